/**
 * An upstream that stays away writes one warning per outage, not one per attempt: the retries
 * after the first failure log at debug, and the connection that finally opens says after how
 * many failed attempts. A real hub behind a TCP proxy that refuses connections while cut.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createAmqpUpstreamLink, type AmqpUpstreamLink } from '../../../runtime/upstream/amqp/index.js';
import { startCutProxy, type CutProxy } from '../../helpers/cut-proxy.js';
import { recorder, waitUntil } from '../../helpers/upstream-kit.js';
import { startUpstreamHub, type UpstreamHub } from './upstream-hub.js';

let link: AmqpUpstreamLink | undefined;
let up: UpstreamHub | undefined;
let proxy: CutProxy | undefined;
afterAll(async () => {
  await link?.close();
  await proxy?.close();
  await up?.cleanup();
});

interface Line { level: number; event?: string; failuresInRow?: number; failedAttempts?: number }

describe('AMQP upstream link logging during an outage', () => {
  it('warns once for an outage, logs the retries at debug, and reports the failed attempts when it connects', async () => {
    const lines: Line[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Line);
        done();
      },
    });
    up = await startUpstreamHub();
    await up.createDevices(['outage-a']);
    proxy = await startCutProxy('127.0.0.1', up.amqpPort);
    proxy.cut();
    link = createAmqpUpstreamLink({
      hostName: up.hostName, connectHost: '127.0.0.1', port: proxy.port, ca: up.ca, logger: pino({ level: 'debug' }, sink),
      credentials: { kind: 'policy', keyName: up.owner.keyName, key: up.owner.key }, reconnect: { minDelayMs: 20, maxDelayMs: 40 },
    });
    const rec = recorder();
    link.start(rec.handlers);
    link.addIdentity({ deviceId: 'outage-a' });
    await waitUntil(() => lines.filter((l) => l.event === 'connection-lost').length >= 4, 'four failed attempts');
    proxy.restore();
    await waitUntil(() => link?.isOnline({ deviceId: 'outage-a' }), 'online through the restored proxy');
    const lost = lines.filter((l) => l.event === 'connection-lost');
    expect(lost.map((l) => (l.level === 40 ? 'warn' : l.level === 20 ? 'debug' : String(l.level)))).toEqual(['warn', ...lost.slice(1).map(() => 'debug')]);
    expect(lost.map((l) => l.failuresInRow)).toEqual(lost.map((_, i) => i + 1));
    expect(lines.filter((l) => l.level >= 40).map((l) => l.event)).toEqual(['connection-lost']);
    expect(lines.find((l) => l.event === 'connected')).toMatchObject({ level: 30, failedAttempts: lost.length });
  }, 60_000);
});
