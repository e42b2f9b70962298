// aedes as a benchmark target, in its own process so its memory and CPU are read from /proc like
// the others': `node aedes-server.mjs CERT KEY [HOST]`, aedes with its default in-memory
// persistence (aedes-persistence) behind tls.createServer on a free port, every client accepted
// (like mosquitto's `allow_anonymous true`). Prints `aedes ready: mqtts://HOST:PORT` on stdout.
// Ends on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { Aedes } from 'aedes';

const [certFile, keyFile, host = '127.0.0.1'] = process.argv.slice(2);
if (!certFile || !keyFile) {
  process.stderr.write('usage: node aedes-server.mjs CERT KEY [HOST]\n');
  process.exit(2);
}

const broker = await Aedes.createBroker({
  // Any client id, username and password: the generator's SAS passwords are only carried along.
  authenticate: (client, username, password, callback) => callback(null, true),
});

// Errors are counted, not logged per message (a log line per client would cost CPU in the figures);
// the first few are printed so a broken run can be diagnosed from the log tail.
let clientErrors = 0;
function onError(kind) {
  return (client, err) => {
    if (++clientErrors <= 5) process.stderr.write(`aedes ${kind} ${client?.id ?? '-'}: ${err.message}\n`);
  };
}
broker.on('clientError', onError('clientError'));
broker.on('connectionError', onError('connectionError'));

const server = tls.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, broker.handle);
// Same as fieldhub's head: small PUBACKs go out at once instead of waiting for Nagle.
server.on('connection', (socket) => socket.setNoDelay(true));
server.on('tlsClientError', onError('tlsClientError').bind(null, null));
server.listen(0, host, () => {
  process.stdout.write(`aedes ready: mqtts://${host}:${server.address().port}\n`);
});

function shutdown() {
  server.close();
  broker.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
