import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Sender } from 'rhea';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubLimits } from '../../core/api.js';
import { createTestHub } from '../../core/test-kit.js';
import type { FeedbackRecord } from '../../core/types.js';
import { bodyBytes, encodeFeedback, FEEDBACK_BATCH_MAX, type OutboundMessage } from './message-codec.js';
import { logServiceQueueDrops, ServiceBoundQueue } from './service-bound.js';

class FakeDelivery {
  settled: boolean;
  remote_settled = false;
  constructor(presettled: boolean) {
    this.settled = presettled;
  }
  update(settled: boolean): void {
    this.settled = settled;
  }
}

/** The parts of a rhea Sender that OutLink and ServiceBoundQueue use; credit is granted by hand. */
class FakeSender extends EventEmitter {
  credit = 0;
  open = true;
  presettled = false;
  readonly sent: Array<{ records: FeedbackRecord[]; delivery: FakeDelivery }> = [];
  is_open(): boolean {
    return this.open;
  }
  sendable(): boolean {
    return this.credit > 0;
  }
  send(message: OutboundMessage): FakeDelivery {
    this.credit--;
    const delivery = new FakeDelivery(this.presettled);
    this.sent.push({ records: JSON.parse(Buffer.from(bodyBytes(message.body)).toString()) as FeedbackRecord[], delivery });
    return delivery;
  }
  set_drained(): void {}
  grant(n: number): void {
    this.credit += n;
    this.emit('sendable', {});
  }
  /** The receiver's disposition for the i-th transfer: settled, with that outcome (or none). */
  settle(i: number, outcome: 'accepted' | 'rejected' | 'released' | 'modified' | 'none'): void {
    const delivery = this.sent[i]!.delivery;
    delivery.remote_settled = true;
    if (outcome !== 'none') this.emit(outcome, { delivery });
    this.emit('settled', { delivery });
  }
  get ids(): string[][] {
    return this.sent.map((s) => s.records.map((r) => r.originalMessageId));
  }
}

const rec = (id: string): FeedbackRecord => ({
  originalMessageId: id, enqueuedTimeUtc: '2024-01-01T00:00:00.000Z', statusCode: 'Success', description: 'Success',
  deviceId: 'd', deviceGenerationId: 'g',
});

/** Waits (polling, no deadline assertion) until `check` holds; fails after many turns. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`never happened: ${what}`);
}

const queues: ServiceBoundQueue<FeedbackRecord>[] = [];
const stops: Array<() => void> = [];
afterEach(() => {
  for (const q of queues.splice(0)) q.close();
  for (const stop of stops.splice(0)) stop();
});

async function setup(limits: Partial<HubLimits> = {}) {
  const t = await createTestHub({ limits });
  const core = t.hub.serviceQueues.feedback;
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  const queue = new ServiceBoundQueue<FeedbackRecord>({
    name: 'feedback', queue: core, encode: (batch) => encodeFeedback(batch, 'hub'), batchMax: FEEDBACK_BATCH_MAX, delayMs: 0, log,
  });
  queues.push(queue);
  stops.push(logServiceQueueDrops(core, 'feedback', log));
  const attach = (credit: number): FakeSender => {
    const sender = new FakeSender();
    sender.credit = credit;
    queue.attach(sender as unknown as Sender);
    return sender;
  };
  const append = async (...names: string[]): Promise<void> => {
    for (const n of names) await core.append(rec(n));
  };
  return { ...t, core, queue, logs, attach, append };
}

describe('ServiceBoundQueue over the core feedback queue', () => {
  it('keeps records produced with no receiver in the core, and sends them when one attaches', async () => {
    const { core, append, attach } = await setup();
    await append('a', 'b');
    expect(core.availableCount()).toBe(2);
    const sender = attach(5);
    await until(() => sender.sent.length === 1, 'the batch');
    expect(sender.ids).toEqual([['a', 'b']]);
    expect(core.stats()).toMatchObject({ records: 2, leased: 2 });
  });

  it(`sends at most ${FEEDBACK_BATCH_MAX} records per message and only while the receiver has credit`, async () => {
    const { core, append, attach } = await setup();
    await append(...Array.from({ length: 2 * FEEDBACK_BATCH_MAX + 2 }, (_, i) => `m${i}`));
    const sender = attach(2);
    await until(() => sender.sent.length === 2, 'two batches');
    expect(sender.sent.map((s) => s.records.length)).toEqual([FEEDBACK_BATCH_MAX, FEEDBACK_BATCH_MAX]);
    expect(core.availableCount()).toBe(2);
    sender.grant(1);
    await until(() => sender.sent.length === 3, 'the third batch');
    expect(sender.ids[2]).toEqual([`m${2 * FEEDBACK_BATCH_MAX}`, `m${2 * FEEDBACK_BATCH_MAX + 1}`]);
    expect(core.availableCount()).toBe(0);
  });

  it('accepted and rejected complete the batch; released, modified and a bare settle send it again', async () => {
    const { core, append, attach } = await setup();
    await append('a');
    const sender = attach(10);
    await until(() => sender.sent.length === 1, 'first delivery');
    sender.settle(0, 'released');
    await until(() => sender.sent.length === 2, 'after released');
    sender.settle(1, 'modified');
    await until(() => sender.sent.length === 3, 'after modified');
    sender.settle(2, 'none');
    await until(() => sender.sent.length === 4, 'after a settle without outcome');
    expect(sender.ids).toEqual([['a'], ['a'], ['a'], ['a']]);
    sender.settle(3, 'accepted');
    await until(() => core.stats().records === 0, 'completed');
    expect(core.stats()).toMatchObject({ released: 3, completed: 1 });

    await append('b');
    await until(() => sender.sent.length === 5, 'next record');
    sender.settle(4, 'rejected');
    await until(() => core.stats().records === 0, 'rejected = dropped by the receiver');
    expect(core.stats()).toMatchObject({ released: 3, completed: 2 });
  });

  it('a receiver that goes away releases what it holds; another receiver gets it', async () => {
    const { core, queue, append, attach } = await setup();
    await append('a');
    const first = attach(1);
    await until(() => first.sent.length === 1, 'first receiver');
    const second = attach(1);
    queue.detach(first as unknown as Sender);
    await until(() => second.sent.length === 1, 'second receiver');
    expect(second.ids).toEqual([['a']]);
    // A late disposition from the detached link changes nothing.
    first.settle(0, 'accepted');
    second.settle(0, 'accepted');
    await until(() => core.stats().records === 0, 'completed');
    expect(core.stats()).toMatchObject({ released: 1, completed: 1 });
  });

  it('a link with pre-settled transfers completes each batch as it is sent', async () => {
    const { core, append, attach } = await setup();
    await append('a');
    const attached = attach(0);
    attached.presettled = true;
    attached.grant(1);
    await until(() => attached.sent.length === 1, 'the batch');
    await until(() => core.stats().records === 0, 'completed on send');
    expect(core.stats().completed).toBe(1);
  });

  it('logs the core dropping records, with the reason', async () => {
    const { append, logs } = await setup({ serviceQueueMaxRecords: 1 });
    await append('a', 'b');
    expect(logs.filter((l) => l.event === 'service-bound-dropped')).toEqual([
      expect.objectContaining({ stream: 'feedback', reason: 'full', count: 1 }),
    ]);
  });
});
