// mosquitto as the reference broker: persistence on, one TLS listener with a certificate from a
// throw-away openssl CA, anonymous clients (it ignores the SAS passwords the generator sends).
import { spawn, execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, statusMB, waitForPort, waitExit } from './measure.mjs';

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A CA and a server certificate for 127.0.0.1/localhost in `dir`; returns the CA PEM. */
function makeCerts(dir) {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
    '-out', 'ca.crt', '-days', '2', '-subj', '/CN=bench-ca'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key',
    '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' +
    'keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext'], dir);
  return readFileSync(join(dir, 'ca.crt'), 'utf8');
}

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

export async function startMosquitto() {
  const bin = findMosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosq-'));
  const ca = makeCerts(dir);
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
    idleRssMB: statusMB(child.pid, 'VmRSS'),
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
