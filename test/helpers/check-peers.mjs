#!/usr/bin/env node
// Checks what `npm test` needs from the machine before anything is built:
//  - the Debian peers the tests run (mosquitto, mosquitto_pub, mosquitto_sub, openssl,
//    python3-qpid-proton as an independent AMQP 1.0 client, and for the device modules: socat
//    (virtual serial ports), pymodbus and pyserial (Modbus TCP/RTU servers), dbus with
//    python3-dbusmock (a BlueZ mock on a private bus)). When some
//    are missing and we are root with apt-get, they are installed (progress shown); otherwise this
//    exits non-zero naming the packages and the command that installs them.
//  - port 443: the azure-iothub tests run the hub on 443 (the SDK dials nothing else), which needs
//    root or CAP_NET_BIND_SERVICE. Without either this exits non-zero naming the fix.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

// `command`: an executable on the search path; `python`: a module Debian's /usr/bin/python3 imports
// (the python3 first on PATH may be another build that cannot see Debian's packages).
const PEERS = [
  { command: 'mosquitto', pkg: 'mosquitto' },
  { command: 'mosquitto_pub', pkg: 'mosquitto-clients' },
  { command: 'mosquitto_sub', pkg: 'mosquitto-clients' },
  { command: 'openssl', pkg: 'openssl' },
  { python: 'proton', pkg: 'python3-qpid-proton' },
  { command: 'socat', pkg: 'socat' },
  { python: 'pymodbus', pkg: 'python3-pymodbus' },
  { python: 'serial', pkg: 'python3-serial' },
  { python: 'serial_asyncio', pkg: 'python3-serial-asyncio' },
  { command: 'dbus-daemon', pkg: 'dbus' },
  { python: 'dbus', pkg: 'python3-dbus' },
  { python: 'dbusmock', pkg: 'python3-dbusmock' },
];
const PACKAGES = [...new Set(PEERS.map((p) => p.pkg))];
const INSTALL = `apt-get update && apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`;

// mosquitto lives in /usr/sbin, which a normal user's PATH often lacks.
const searchPath = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'].filter(Boolean);

function which(command) {
  for (const dir of searchPath) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch { /* not here */ }
  }
  return undefined;
}

function present(peer) {
  if (peer.command !== undefined) return which(peer.command) !== undefined;
  return spawnSync('/usr/bin/python3', ['-c', `import ${peer.python}`], { stdio: 'ignore' }).status === 0;
}
const label = (peer) => peer.command ?? `python module ${peer.python} (/usr/bin/python3)`;
const missingPeers = () => PEERS.filter((p) => !present(p));
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function run(command, args) {
  process.stderr.write(`check-peers: $ ${command} ${args.join(' ')}\n`);
  const r = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) {
    process.stderr.write(`check-peers: \`${command} ${args.join(' ')}\` failed (exit ${r.status ?? r.error?.message})\n`);
    process.exit(1);
  }
}

let missing = missingPeers();
if (missing.length > 0) {
  const pkgs = [...new Set(missing.map((p) => p.pkg))];
  const names = missing.map(label).join(', ');
  if (isRoot && which('apt-get')) {
    process.stderr.write(`check-peers: missing ${names}; installing ${pkgs.join(' ')} with apt-get\n`);
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs]);
    missing = missingPeers();
  }
  if (missing.length > 0) {
    process.stderr.write(
      `check-peers: the tests need ${missing.map(label).join(', ')} (Debian packages: ${pkgs.join(' ')}).\n` +
      `  Install them as root:  sudo sh -c '${INSTALL}'\n` +
      (isRoot ? '  (apt-get is not available here: install them with your package manager)\n' : ''));
    process.exit(1);
  }
}

const bind443 = await new Promise((resolve) => {
  const srv = createServer();
  srv.once('error', (err) => resolve(err.code));
  srv.listen(443, '127.0.0.1', () => srv.close(() => resolve('ok')));
});
// EADDRINUSE means we were allowed to bind (the permission check comes first); the tests use
// their own loopback addresses, so a server already on 127.0.0.1:443 does not matter.
if (bind443 === 'EACCES' || bind443 === 'EPERM') {
  process.stderr.write(
    'check-peers: the azure-iothub tests need to listen on port 443 (the service SDK dials https://HostName:443 only),\n' +
    '  and this user may not bind ports below 1024. Fix one of:\n' +
    '    run the tests as root (for example in the CI container), or\n' +
    '    sudo setcap cap_net_bind_service=+ep "$(command -v node)", or\n' +
    '    sudo sysctl -w net.ipv4.ip_unprivileged_port_start=443\n');
  process.exit(1);
}

process.stdout.write(`check-peers: ok (${PEERS.map(label).join(', ')}; port 443 bindable)\n`);
