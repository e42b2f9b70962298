// Child process of the crash test (persistence.ts): writes through the real LevelStore and
// GroupCommitter, built by build-store.ts, and prints "ack <n>" the moment write n resolved.
// The parent kills it with SIGKILL mid-stream and then checks every acked write is on disk.
//
// Usage: node crash-writer.mjs <store index.js URL> <data folder> <sync: 0|1>
// Plain .mjs on purpose: the child must start with bare `node` (no tsx, dist/ maybe not built).
const [entry, folder, syncFlag] = process.argv.slice(2);
const { LevelStore, GroupCommitter, seqKey } = await import(entry);

const store = new LevelStore(folder);
await store.open();
const telemetry = store.sublevel('telemetry');
const committer = new GroupCommitter(store, { sync: syncFlag === '1' });
process.stdout.write('ready\n');

/** The value the parent expects for write n (also derivable there). */
const valueOf = (n) => new TextEncoder().encode(`value-${n}-${'x'.repeat(n % 97)}`);

// 64 concurrent "senders", each writing its next message as soon as the last one is acked, so
// batches form as they would under load. Even writes go to the root, odd ones to a sublevel.
let next = 0;
function send() {
  const n = next++;
  const put = n % 2 === 0 ? committer.put(seqKey(n), valueOf(n)) : committer.put(seqKey(n), valueOf(n), telemetry);
  put.then(
    () => {
      // stdout to a pipe is synchronous on Linux: once this returns, the parent can read it.
      process.stdout.write(`ack ${n}\n`);
      send();
    },
    (err) => {
      process.stderr.write(`write ${n} failed: ${err?.code ?? err}\n`);
      process.exit(2);
    },
  );
}
for (let i = 0; i < 64; i++) send();
