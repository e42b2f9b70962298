/**
 * Log-once-per-episode for the outbox's counted losses: the first drop (or refusal, or expiry) of
 * an episode logs a warning, the rest are only counted, and the end of the episode logs one line
 * with the total. A full outbox under load then writes two lines, not one per message.
 */
import type { Logger } from '../../hub-core/log.js';

/** One kind of episode (the outbox being full, messages expiring). */
export class Episode {
  readonly #logger: Logger;
  readonly #startMsg: string;
  readonly #endMsg: string;
  readonly #fields: Record<string, unknown>;
  #active = false;
  #count = 0;

  constructor(logger: Logger, fields: Record<string, unknown>, startMsg: string, endMsg: string) {
    this.#logger = logger;
    this.#fields = fields;
    this.#startMsg = startMsg;
    this.#endMsg = endMsg;
  }

  get active(): boolean {
    return this.#active;
  }

  /** Counts `n` more; logs a warning (with `details`) when this starts the episode. */
  add(n: number, details: () => Record<string, unknown>): void {
    if (n <= 0) return;
    this.#count += n;
    if (this.#active) return;
    this.#active = true;
    this.#logger.warn({ ...this.#fields, ...details() }, this.#startMsg);
  }

  /** Ends the episode (if any) with one line carrying the total. */
  end(details: () => Record<string, unknown> = () => ({})): void {
    if (!this.#active) return;
    this.#logger.info({ ...this.#fields, count: this.#count, ...details() }, this.#endMsg);
    this.#active = false;
    this.#count = 0;
  }
}
