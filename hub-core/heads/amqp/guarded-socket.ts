/**
 * What rhea reads from and writes to: any Duplex (a TLS socket, a TCP socket, a WebSocket
 * stream) behind the {@link FrameGuard}. rhea uses only `on('data' | 'error' | 'end')`,
 * `write`, `end` and `destroy`, so this is a small adapter rather than another stream in the
 * pipe. It also turns a bare `close` (a socket destroyed without FIN) into the `end` rhea
 * needs to notice the peer is gone.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { FrameGuard, GuardViolation } from './frame-guard.js';

/** The AMQP 1.0 header the hub answers a bad protocol header with before closing [AMQP 2.2]. */
const AMQP_HEADER = Uint8Array.of(0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0);
/** Time a closing peer gets to answer before the socket is cut, ms. */
const CLOSE_GRACE_MS = 2000;

export class GuardedSocket extends EventEmitter {
  private ended = false;
  private reported = false;

  constructor(
    readonly raw: Duplex,
    private readonly guard: FrameGuard,
    onViolation: (violation: { kind: GuardViolation; detail: string }) => void,
  ) {
    super();
    raw.on('data', (chunk: Buffer) => {
      if (this.guard.accept(chunk)) this.emit('data', chunk);
      else if (this.guard.violation !== undefined && !this.reported) {
        this.reported = true;
        onViolation(this.guard.violation);
      }
    });
    raw.on('error', (err: Error) => {
      // rhea listens for 'error'; before it does, an error must not throw.
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
    raw.on('end', () => this.signalEnd());
    raw.on('close', () => this.signalEnd());
  }

  write(data: Uint8Array): boolean {
    if (this.raw.destroyed || !this.raw.writable) return false;
    return this.raw.write(data);
  }

  end(): void {
    if (!this.raw.destroyed) this.raw.end();
  }

  destroy(): void {
    this.raw.destroy();
  }

  /** Not AMQP 1.0: answer with the version the hub speaks and close [AMQP 2.2]. */
  refuseProtocol(): void {
    this.write(AMQP_HEADER);
    this.end();
    this.cutAfterGrace();
  }

  /** Destroys the socket unless it closed by itself within the grace period (a silent peer). */
  cutAfterGrace(): void {
    setTimeout(() => this.raw.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** rhea calls this when its `tcp_no_delay` option is set; only sockets have it. */
  setNoDelay(on: boolean): void {
    (this.raw as Duplex & { setNoDelay?: (on: boolean) => void }).setNoDelay?.(on);
  }

  private signalEnd(): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('end');
  }
}
