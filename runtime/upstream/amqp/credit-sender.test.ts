import type { Sender } from 'rhea';
import { describe, expect, it } from 'vitest';
import { CreditSender } from './credit-sender.js';
import { FakeSender } from './test-sender.js';

const entry = (n: number, log: number[]) => ({ message: { body: n }, onSent: () => void log.push(n) });

describe('CreditSender', () => {
  it('hands rhea no more than the credit, even within one tick, and keeps call order', () => {
    const fake = new FakeSender();
    const out = new CreditSender(fake as unknown as Sender, 100);
    const order: number[] = [];
    for (let i = 0; i < 5; i++) expect(out.send(entry(i, order))).toBe(true);
    expect(fake.sent).toHaveLength(0);
    fake.grant(2);
    expect(order).toEqual([0, 1]);
    // rhea has not transferred them yet: its own sendable() still says yes, the credit is spent.
    expect(fake.sendable()).toBe(true);
    out.pump();
    expect(order).toEqual([0, 1]);
    fake.transfer();
    fake.grant(10);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(out.backlog).toBe(0);
  });

  it('refuses beyond its bound, cancels queued entries and returns the rest on close', () => {
    const fake = new FakeSender();
    const out = new CreditSender(fake as unknown as Sender, 2);
    const order: number[] = [];
    const a = entry(1, order);
    expect(out.send(a)).toBe(true);
    expect(out.send(entry(2, order))).toBe(true);
    expect(out.send(entry(3, order))).toBe(false);
    expect(out.cancel(a)).toBe(true);
    expect(out.close()).toHaveLength(1);
    fake.grant(5);
    expect(order).toEqual([]);
    expect(out.send(entry(4, order))).toBe(false);
  });
});
