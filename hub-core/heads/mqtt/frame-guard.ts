/**
 * Looks at MQTT fixed headers as bytes arrive, before anything is buffered: the packet type and
 * the Remaining Length [MQTT-2.2.3]. A packet announcing more than the limit is refused on its
 * header, so a client claiming a 100 MB PUBLISH costs us a few bytes, not 100 MB. The guard only
 * scans (no copies); the chunk then goes to the framer (fast-path.ts) unchanged.
 */

/** Why a chunk was refused. */
export type GuardVerdict = 'ok' | 'too-large' | 'malformed' | 'not-connect';

/** Scanner states (plain numbers: the hot loop stays monomorphic). */
const State = { Header: 0, Length: 1, Body: 2 } as const;
type State = (typeof State)[keyof typeof State];

/** MQTT packet type 1 = CONNECT [MQTT-2.2.1]. */
const CONNECT = 1;

/**
 * A streaming scanner of fixed headers. One per connection; about a dozen numbers of state.
 */
export class FrameGuard {
  private state: State = State.Header;
  private type = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  /** Body bytes still to skip in the current packet. */
  private remaining = 0;
  private seenFirst = false;

  /**
   * @param maxBytes Largest Remaining Length accepted once connected, bytes.
   * @param maxFirstBytes Largest Remaining Length of the first packet (the CONNECT), bytes:
   *   an unauthenticated peer gets a much smaller budget.
   */
  constructor(
    private readonly maxBytes: number,
    private readonly maxFirstBytes: number,
  ) {}

  /** Scans `chunk`; `ok` means every header in it is acceptable. Any other verdict is final. */
  check(chunk: Uint8Array): GuardVerdict {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case State.Body: {
          const skip = Math.min(this.remaining, n - i);
          i += skip;
          this.remaining -= skip;
          if (this.remaining === 0) this.state = State.Header;
          break;
        }
        case State.Header: {
          const type = chunk[i++]! >> 4;
          // The first packet from a client MUST be CONNECT [MQTT-3.1.0-1]; types 0 and 15 are reserved.
          if (!this.seenFirst && type !== CONNECT) return 'not-connect';
          if (type === 0 || type === 15) return 'malformed';
          this.type = type;
          this.length = 0;
          this.multiplier = 1;
          this.lengthBytes = 0;
          this.state = State.Length;
          break;
        }
        case State.Length: {
          const byte = chunk[i++]!;
          this.length += (byte & 0x7f) * this.multiplier;
          this.multiplier *= 128;
          this.lengthBytes++;
          if ((byte & 0x80) !== 0) {
            // At most four length bytes [MQTT-2.2.3]; a fifth continuation is malformed.
            if (this.lengthBytes === 4) return 'malformed';
            break;
          }
          const limit = this.seenFirst ? this.maxBytes : this.maxFirstBytes;
          if (this.length > limit) return 'too-large';
          this.seenFirst = true;
          this.remaining = this.length;
          this.state = this.remaining === 0 ? State.Header : State.Body;
          break;
        }
      }
    }
    return 'ok';
  }

  /** Type of the packet whose header was scanned last (1-14). */
  get lastType(): number {
    return this.type;
  }
}
