/**
 * The AMQP link's connections share one attach rate gate (identitiesPerSecond holds for the
 * gateway as a whole): a connection that is lost or closed drops only its own identities from
 * the gate's queue, never another connection's. Fake gate timers; no connection is open, so an
 * attach that starts finds none and goes back to idle.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { IdentityManager } from './identity-manager.js';
import { resolveAmqpOptions } from './options.js';
import { offlineError } from './error-map.js';
import { RateGate, type GateTimers } from './pacing.js';
import { SendBudget } from './telemetry-link.js';

const timers: GateTimers = { now: () => 0, setTimeout: () => 0, clearTimeout: () => undefined };

function manager(gate: RateGate<string> | undefined): IdentityManager {
  const options = resolveAmqpOptions({ hostName: 'hub.test', credentials: { kind: 'policy', keyName: 'k', key: 'a2V5' }, logger: pino({ level: 'silent' }) });
  return new IdentityManager({
    options, log: options.logger, budget: new SendBudget(10), handlers: () => undefined, connection: () => undefined,
    ...(gate !== undefined ? { gate } : {}),
  });
}

describe('IdentityManager with a shared attach gate', () => {
  it('a lost or closed connection cancels only its own waiting identities', () => {
    // One token and no refill (the fake clock stands still): the first job runs, the rest wait.
    const gate = new RateGate<string>(1, 1, timers);
    const a = manager(gate);
    const b = manager(gate);
    for (const id of ['a1', 'a2']) a.add({ deviceId: id });
    for (const id of ['b1', 'b2']) b.add({ deviceId: id });
    a.connected();
    b.connected();
    expect(gate.size).toBe(3); // a1 took the token
    a.connectionLost(offlineError('connection lost (test)'), false);
    expect(gate.size).toBe(2); // b1 and b2 still wait
    b.close();
    expect(gate.size).toBe(0);
    // The shared gate is not closed by a connection: it still takes jobs.
    a.connected();
    expect(gate.size).toBe(2);
  });
});
