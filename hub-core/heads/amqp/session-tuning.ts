/**
 * Makes a rhea session's processing pass cost what changed, not how many links it has.
 *
 * rhea 3 runs `Session._process` on every pass of the connection (a pass follows every
 * `_register()`: any send, credit, attach, or input), and that pass calls `_process` on EVERY
 * link of the session to see whether it owes an attach, a flow or a detach. With 1,000
 * identities (6,000 links) on one connection each pass walked 6,000 links: measured, about 9 of
 * the 10 CPU seconds spent bringing 1,000 identities online, and a per-message cost that grows
 * with the identity count. Here each link of the session is watched: the calls that make it owe
 * a frame (attach/open, detach, close, flow/add_credit, drain_credit, set_drained) mark it
 * dirty, and the pass walks only the dirty links. Every 64th pass still walks all of them, so a
 * trigger rhea might add later costs a delay, never a hang. The rest of the pass is rhea's own
 * code, repeated here (rhea 3.0.x lib/session.js `_process`).
 */
import type { Receiver, Sender, Session } from 'rhea';

type Link = (Sender | Receiver) & { _process(): void; name: string };

/** The parts of a rhea session the pass uses; rhea keeps them untyped. */
interface SessionInternals {
  links: Record<string, Link>;
  state: { need_open(): boolean; need_close(): boolean; has_settled(): boolean };
  local: { begin: unknown; end: unknown };
  outgoing: { deliveries: { available(): number }; process(): void };
  incoming: { process(session: unknown): void };
  output(frame: unknown): void;
  each_sender(action: (s: Sender) => void, filter: (s: Sender) => boolean): void;
  create_link(name: string, ctor: unknown, opts: unknown): Link;
  remove_link(link: Link): void;
  _process(): void;
}

/** Methods after which rhea has a frame to write for the link. */
const TRIGGERS = ['attach', 'open', 'detach', 'close', 'flow', 'add_credit', 'drain_credit', 'set_drained'] as const;
/** Every this many passes all links are walked, as rhea does on every pass. */
const FULL_PASS_EVERY = 64;

/** Installs dirty-link tracking on `session` (before any link is created on it). */
export function tuneSession(session: Session): void {
  const s = session as unknown as SessionInternals;
  if (typeof s._process !== 'function' || typeof s.create_link !== 'function' || typeof s.each_sender !== 'function') return;
  const dirty = new Set<Link>();
  let passes = 0;

  const createLink = s.create_link;
  s.create_link = function (this: SessionInternals, name: string, ctor: unknown, opts: unknown): Link {
    const link = createLink.call(this, name, ctor, opts);
    const methods = link as unknown as Record<string, unknown>;
    for (const m of TRIGGERS) {
      const original = methods[m];
      if (typeof original !== 'function') continue;
      methods[m] = function (this: unknown, ...args: unknown[]): unknown {
        dirty.add(link);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
    dirty.add(link);
    return link;
  };

  const removeLink = s.remove_link;
  s.remove_link = function (this: SessionInternals, link: Link): void {
    dirty.delete(link);
    removeLink.call(this, link);
  };

  s._process = function (this: SessionInternals): void {
    const full = ++passes % FULL_PASS_EVERY === 0;
    do {
      if (this.state.need_open()) this.output(this.local.begin);
      const wasBlocked = this.outgoing.deliveries.available() === 0;
      this.outgoing.process();
      if (wasBlocked && this.outgoing.deliveries.available()) {
        this.each_sender(notifySendable, (sender) => sender.is_open() && sender.sendable());
      }
      this.incoming.process(this);
      if (full) {
        dirty.clear();
        for (const name in this.links) this.links[name]?._process();
      } else if (dirty.size > 0) {
        const batch = [...dirty];
        dirty.clear();
        for (const link of batch) link._process();
      }
      if (this.state.need_close()) this.output(this.local.end);
    } while (!this.state.has_settled());
  };
}

function notifySendable(sender: Sender): void {
  const internals = sender as unknown as { dispatch(name: string, context: unknown): void; _context(): unknown };
  internals.dispatch('sendable', internals._context());
}
