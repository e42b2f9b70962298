import type { Sender } from 'rhea';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '../../../hub-core/core/types.js';
import type { RuntimeError } from '../../errors.js';
import { SendBudget, TelemetryLink } from './telemetry-link.js';
import { FakeSender } from './test-sender.js';

const message = (n: number): Message => ({ body: new TextEncoder().encode(`m${n}`), system: {}, properties: {} });

afterEach(() => {
  vi.useRealTimers();
});

describe('TelemetryLink send timeout', () => {
  it('a message on the wire that is not settled in time calls onStuck once, and what was sent after it fails too (retried behind it, never beside it)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fake = new FakeSender();
    const stuck: RuntimeError[] = [];
    const link: TelemetryLink = new TelemetryLink(fake as unknown as Sender, '/devices/d/messages/events', new SendBudget(10), 1000, (err) => {
      stuck.push(err);
      link.fail(err); // what the owner does: the links go down
    });
    fake.grant(3);
    const settled: string[] = [];
    const track = (n: number): Promise<void> => link.send(message(n)).then(() => void settled.push(`${n} accepted`), (err: RuntimeError) => void settled.push(`${n} ${err.code}`));
    const outcomes = [track(1), track(2)];
    fake.settle(1, 'accepted'); // the peer settled the second one only
    vi.advanceTimersByTime(500);
    outcomes.push(track(3)); // its own timeout would be at 1500 ms
    vi.advanceTimersByTime(500);
    await Promise.all(outcomes); // all settled at 1000 ms: the first one's timeout took the third down with it
    expect(settled).toEqual(['2 accepted', '1 FH_UPSTREAM_TIMEOUT', '3 FH_UPSTREAM_TIMEOUT']);
    expect(stuck.map((e) => e.code)).toEqual(['FH_UPSTREAM_TIMEOUT']);
    expect(link.inFlight).toBe(0);
  });

  it('a message still waiting for credit times out alone: it never reached the wire, so nothing is stuck', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fake = new FakeSender();
    let stuck = 0;
    const link = new TelemetryLink(fake as unknown as Sender, '/devices/d/messages/events', new SendBudget(10), 1000, () => stuck++);
    const waiting = link.send(message(1)).catch((err: RuntimeError) => err.code);
    vi.advanceTimersByTime(1000);
    expect(await waiting).toBe('FH_UPSTREAM_TIMEOUT');
    expect(stuck).toBe(0);
    fake.grant(1);
    expect(fake.sent).toEqual([]); // cancelled, not sent late
  });
});
