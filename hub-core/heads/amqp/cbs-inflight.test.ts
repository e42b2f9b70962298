/**
 * The CBS node's put-token tracking: an attach waits for the put-tokens that arrived before it,
 * never for those that keep arriving after (a gateway bringing up identity after identity).
 */
import { describe, expect, it } from 'vitest';
import { InFlight } from './cbs.js';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('InFlight', () => {
  it('settled() resolves at once when nothing is in flight', async () => {
    const f = new InFlight();
    let done = false;
    void f.settled().then(() => { done = true; });
    await flush();
    expect(done).toBe(true);
  });

  it('waits for the tokens begun before it, in any finishing order, and not for later ones', async () => {
    const f = new InFlight();
    const a = f.begin();
    const b = f.begin();
    let done = false;
    void f.settled().then(() => { done = true; });
    const later = f.begin(); // a put-token that arrived after the attach
    f.end(b);
    await flush();
    expect(done).toBe(false);
    f.end(a);
    await flush();
    expect(done).toBe(true);
    expect(f.busy).toBe(true); // `later` is still being verified
    f.end(later);
    expect(f.busy).toBe(false);
  });

  it('a steady stream of new tokens does not hold an attach back', async () => {
    const f = new InFlight();
    let current = f.begin();
    let done = false;
    void f.settled().then(() => { done = true; });
    for (let i = 0; i < 5; i++) {
      const next = f.begin(); // always one more in flight before the previous ends
      f.end(current);
      current = next;
      await flush();
    }
    expect(done).toBe(true);
    expect(f.busy).toBe(true);
  });
});
