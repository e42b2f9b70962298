// mosquitto as the reference broker: persistence on, one TLS listener with a certificate from a
// throw-away openssl CA, anonymous clients (it ignores the SAS passwords the generator sends).
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { makeCerts } from './certs.mjs';
import { freePort, statusMB, waitForPort, waitExit } from './measure.mjs';

/** The mosquitto binary: PATH first, then /usr/sbin (Debian's place, missing from many users' PATH). */
function findMosquitto() {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'].filter(Boolean);
  for (const dir of dirs) {
    try {
      accessSync(join(dir, 'mosquitto'), constants.X_OK);
      return join(dir, 'mosquitto');
    } catch { /* not here */ }
  }
  throw new Error('mosquitto is not installed: apt-get install -y --no-install-recommends mosquitto');
}

/** "mosquitto 2.0.11" from the first line of `mosquitto -h` (which exits non-zero). */
function mosquittoVersion(bin) {
  const r = spawnSync(bin, ['-h'], { encoding: 'utf8', timeout: 5000 });
  const m = /mosquitto version (\S+)/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  return m ? `mosquitto ${m[1]}` : 'mosquitto';
}

export async function startMosquitto() {
  const bin = findMosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosq-'));
  const { ca } = makeCerts(dir);
  const port = await freePort();
  // `user root`: mosquitto would otherwise drop to user "mosquitto", which cannot read the key or
  // write the persistence folder in our root-owned temp dir. autosave_interval stays at its default.
  writeFileSync(join(dir, 'mosquitto.conf'), [
    'user root',
    'per_listener_settings false',
    'allow_anonymous true',
    'persistence true',
    `persistence_location ${dir}/`,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    `listener ${port} 127.0.0.1`,
    `cafile ${dir}/ca.crt`,
    `certfile ${dir}/server.crt`,
    `keyfile ${dir}/server.key`,
    '',
  ].join('\n'));
  const log = openSync(join(dir, 'mosquitto.log'), 'a');
  const child = spawn(bin, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', log, log] });
  await waitForPort('127.0.0.1', port, 10_000, () => child.exitCode === null);
  return {
    name: 'mosquitto',
    pid: child.pid,
    target: { host: '127.0.0.1', port, ca, clean: false, keepalive: 180 },
    rssAtReadyMB: statusMB(child.pid, 'VmRSS'),
    engine: mosquittoVersion(bin),
    // mosquitto sends the PUBACK at once and writes its store only every autosave_interval.
    durableBeforeAck: false,
    persistence: 'persistence true: PUBACK at once, store saved every autosave_interval (1800 s) and on exit',
    /** Every client may publish anywhere: the generator's ids and passwords are only carried along. */
    devices(n, prefix = 'bench') {
      return Array.from({ length: n }, (_, i) => {
        const id = `${prefix}-${i}`;
        return { clientId: id, username: id, password: 'unused', topic: `devices/${id}/messages/events/` };
      });
    },
    logTail() {
      return readFileSync(join(dir, 'mosquitto.log'), 'utf8').split('\n').slice(-20).join('\n');
    },
    async stop() {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await waitExit(child, 5000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
