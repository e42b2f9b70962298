// Child process of the outbox kill -9 tests (kill9.test.ts): runs the real Outbox on a LevelStore
// from the compiled dist/ and reports what resolved, one line each, the moment it resolved. The
// parent kills it with SIGKILL mid-stream and then checks the store.
//
// Usage: node outbox-child.mjs <dist folder URL> <data folder> append|drain
//   append: 16 concurrent senders append batches of 1-4 messages over 9 identities; each message
//           gets the next global seq at call time. Prints "ack <seq> ..." when an append resolved.
//   drain:  4 concurrent drainers lease (20 at a time) and ack, identity after identity. Prints
//           "sent <seq> ..." before acking (what a real drain hands to the upstream) and
//           "acked <seq> ..." when the ack resolved.
// Plain .mjs on purpose: it starts with bare `node`, as the gateway does.
const [distUrl, folder, mode] = process.argv.slice(2);
const { LevelStore } = await import(new URL('hub-core/store/index.js', distUrl).href);
const { Outbox } = await import(new URL('runtime/upstream/outbox.js', distUrl).href);
const { telemetryItem } = await import(new URL('runtime/upstream/outbox-test-kit.js', distUrl).href);

const store = new LevelStore(folder);
await store.open();
const outbox = await Outbox.open({
  store: store.sublevel('outbox'), maxBytes: 1e10, ttlMs: 1e12, fullPolicy: 'reject',
});
const fail = (what) => (err) => {
  process.stderr.write(`${what} failed: ${err?.code ?? ''} ${err?.stack ?? err}\n`);
  process.exit(2);
};
process.stdout.write('ready\n');

const IDENTITIES = [...Array(8).keys()].map((i) => ({ deviceId: `dev-${i}` })).concat([{ deviceId: 'dev-0', moduleId: 'mod!x' }]);

if (mode === 'append') {
  let seq = 0;
  let n = 0;
  const send = () => {
    const items = [];
    const count = 1 + (n++ % 4);
    for (let i = 0; i < count; i++) {
      const ref = IDENTITIES[(seq * 7 + i) % IDENTITIES.length];
      items.push(telemetryItem(ref, seq++, { bodyBytes: 64 + (seq % 200) }));
    }
    outbox.append(items).then(() => {
      // stdout to a pipe is synchronous on Linux: once this returns, the parent can read it.
      process.stdout.write(`ack ${items.map((it) => it.seq).join(' ')}\n`);
      send();
    }, fail('append'));
  };
  for (let i = 0; i < 16; i++) send();
} else if (mode === 'drain') {
  const busy = new Set();
  const drainOne = async () => {
    for (;;) {
      const ref = outbox.identities().find((r) => !busy.has(JSON.stringify(r)));
      if (ref === undefined) return;
      const key = JSON.stringify(ref);
      busy.add(key);
      try {
        const entries = await outbox.lease(ref, 20);
        if (entries.length === 0) continue;
        process.stdout.write(`sent ${entries.map((e) => e.seq).join(' ')}\n`);
        await outbox.ack(entries.map((e) => e.id));
        process.stdout.write(`acked ${entries.map((e) => e.seq).join(' ')}\n`);
      } finally {
        busy.delete(key);
      }
    }
  };
  await Promise.all([drainOne(), drainOne(), drainOne(), drainOne()]).catch(fail('drain'));
  process.stdout.write('drained\n');
} else {
  fail('usage')(new Error(`unknown mode ${mode}`));
}
