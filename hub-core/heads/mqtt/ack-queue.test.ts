import { describe, expect, it } from 'vitest';
import { AckQueue } from './ack-queue.js';

describe('AckQueue [MQTT-4.6.0-2]', () => {
  it('sends PUBACKs in arrival order even when settled out of order', () => {
    const sent: number[] = [];
    const q = new AckQueue((id) => sent.push(id));
    const a = q.push(1);
    const b = q.push(2);
    const c = q.push(3);
    q.settle(c);
    q.settle(b);
    expect(sent).toEqual([]);
    expect(q.pending).toBe(3);
    q.settle(a);
    expect(sent).toEqual([1, 2, 3]);
    expect(q.pending).toBe(0);
  });

  it('never acknowledges behind an entry that does not settle', () => {
    const sent: number[] = [];
    const q = new AckQueue((id) => sent.push(id));
    q.push(1);
    q.settle(q.push(2));
    expect(sent).toEqual([]);
    q.clear();
    expect(q.pending).toBe(0);
  });

  it('keeps order across compaction of a long pipeline', () => {
    const sent: number[] = [];
    const q = new AckQueue((id) => sent.push(id));
    const first = q.push(0);
    const rest = Array.from({ length: 3000 }, (_, i) => q.push(i + 1));
    q.settle(first);
    rest.forEach((h) => q.settle(h));
    expect(sent).toEqual(Array.from({ length: 3001 }, (_, i) => i));
  });
});
