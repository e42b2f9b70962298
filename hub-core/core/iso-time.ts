/**
 * ISO-8601 text of a ms timestamp, remembered for the last millisecond asked. Telemetry stamps
 * every message with its enqueued time, and at ingest rates dozens of messages share one ms,
 * while `new Date(ms).toISOString()` costs about a microsecond: it was the largest single cost
 * per message in the mqtt-ingest profile.
 */
export class IsoTimeCache {
  private ms = NaN;
  private iso = '';

  /** `new Date(ms).toISOString()`: same text, same RangeError for an invalid time. */
  of(ms: number): string {
    // NaN never equals itself, so an invalid time is never served from the cache: it throws.
    if (ms !== this.ms) {
      // Computed before `ms` is remembered, so a throw leaves the cache consistent.
      this.iso = new Date(ms).toISOString();
      this.ms = ms;
    }
    return this.iso;
  }
}
