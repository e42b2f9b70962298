/**
 * `fieldhub status`: how a running hub or gateway is doing, in a few lines a person can read: the
 * hub's connected devices and telemetry position; for a gateway also the upstream link, the
 * outbox (store-and-forward), each route, each sink and each module, with what needs attention
 * marked `!`. `--json` prints the two health documents instead (GET /fieldhub/v1/health and
 * /fieldhub/v1/gateway). Exit 0 when the hub answered, 1 when it did not.
 */
import type { Command } from 'commander';
import { action, addTargetOptions, examples, printJson, targetOptions } from '../cli-support.js';
import { resolveTarget, type TargetOptions } from '../hub-target.js';
import { errorForResponse, ServiceClient } from '../service-client.js';

interface StatusFlags extends TargetOptions {
  json?: boolean;
}

type Doc = Record<string, unknown>;

/** Registers `status` on the program. */
export function registerStatusCommand(program: Command): void {
  addTargetOptions(program.command('status')
    .summary('show how a running hub or gateway is doing')
    .description([
      'Shows the hub (devices connected, last telemetry sequence number) and, for a gateway (`fieldhub start`), the upstream link (state, connections, identities online, last error), the outbox (messages, bytes against the quota, oldest message, losses), each route (checkpoint, lag), each sink and each module. Lines that need attention start with `!`.',
      '--json prints {"hub": …, "gateway": … or null} as the hub reports them. Exit 0 when the hub answered, 1 when it could not be reached.',
    ].join('\n\n'))
    .option('--json', 'print the health documents as JSON'))
    .addHelpText('after', examples(
      'fieldhub status',
      'fieldhub status --data-dir /var/lib/fieldhub',
      'fieldhub status --json | jq .gateway.outbox',
    ))
    .action(action(async (flags: StatusFlags) => {
      const client = new ServiceClient(resolveTarget(targetOptions({ ...flags })));
      const hub = await client.json<Doc>('/fieldhub/v1/health');
      const gateway = await gatewayDoc(client);
      if (flags.json === true) {
        printJson({ hub, gateway });
        return;
      }
      process.stdout.write(`${describeStatus(client.target.hostName, hub, gateway).join('\n')}\n`);
    }));
}

/** GET /fieldhub/v1/gateway; null when the hub has none (a `fieldhub hub`: 404). */
async function gatewayDoc(client: ServiceClient): Promise<Doc | null> {
  const what = 'GET /fieldhub/v1/gateway';
  const res = await client.open('/fieldhub/v1/gateway', {}, what);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (res.statusCode === 404) return null;
  if (res.statusCode !== 200) throw errorForResponse(res.statusCode ?? 0, text, what);
  return JSON.parse(text) as Doc;
}

/** The human-readable lines of `fieldhub status` (exported for tests). */
export function describeStatus(hostName: string, hub: Doc, gateway: Doc | null): string[] {
  const lines = [`hub ${hostName}: ${num(hub.connectedDevices)} device(s) connected, telemetry at seq ${num(hub.telemetryLastSeq)}`];
  if (gateway === null) return [...lines, '  not a gateway (fieldhub hub): no upstream, outbox or modules'];
  lines.push(`gateway ${String(gateway.gatewayDeviceId)}`);
  lines.push(...upstreamLines(gateway.upstream as Doc | null));
  lines.push(...outboxLines(gateway.outbox as Doc));
  lines.push(...section('routes', gateway.routes as Doc, routeLine));
  lines.push(...section('sinks', gateway.sinks as Doc, sinkLine));
  lines.push(...section('modules', gateway.modules as Doc, moduleLine));
  return lines;
}

function upstreamLines(up: Doc | null): string[] {
  if (up === null) return ['  upstream   none configured'];
  const link = up.link as Doc;
  const drain = up.drain as Doc;
  const online = `${num(link.identitiesOnline)}/${num(link.identitiesTotal)} identities online`;
  const retry = link.retryInMs !== undefined ? `, retry in ${ms(link.retryInMs)}` : '';
  const ok = link.state === 'connected' && link.identitiesOnline === link.identitiesTotal;
  const out = [mark(ok, `upstream   ${String(link.state)}${retry}, ${num(link.connections)} connection(s), ${online}`)];
  out.push(`             sent ${num(drain.sent)}, accepted ${num(drain.acked)}, in flight ${num(drain.inFlight)}`);
  const err = link.lastError as Doc | undefined;
  if (err !== undefined) out.push(`             last error ${String(err.code)}: ${String(err.message)} (${String(err.at)})`);
  return out;
}

function outboxLines(o: Doc): string[] {
  const quota = o.maxBytes !== undefined ? ` of ${bytes(o.maxBytes)}` : '';
  const oldest = Number(o.oldestAgeMs) > 0 ? `, oldest ${ms(o.oldestAgeMs)}` : '';
  const out = [mark(o.full !== true, `outbox     ${num(o.messages)} messages, ${bytes(o.bytes)}${quota} (${String(o.fullPolicy)})${oldest}${o.full === true ? ', FULL' : ''}`)];
  const losses = ['dropped', 'expired', 'deadLettered', 'corrupt'].filter((k) => Number(o[k]) > 0);
  const refused = Number(o.refusedAtDoor ?? 0) + Number(o.rejected ?? 0);
  const detail = [
    ...losses.map((k) => `${k} ${num(o[k])}`),
    ...(refused > 0 ? [`refused ${num(refused)} (senders keep them)`] : []),
  ];
  if (detail.length > 0) out.push(mark(losses.length === 0, `           ${detail.join(', ')}`));
  return out;
}

function routeLine(name: string, r: Doc): string {
  const err = (r.targets as Doc[] | undefined)?.find((t) => t.lastError !== undefined)?.lastError as Doc | undefined;
  const text = `${name}: ${String(r.state)}, checkpoint ${num(r.checkpoint)}, lag ${num(r.lag)}${Number(r.gaps) > 0 ? `, gaps ${num(r.gaps)}` : ''}`
    + (err !== undefined ? `, last error ${String(err.code ?? '')} ${String(err.message)}` : '');
  return mark(r.state === 'running' && Number(r.gaps) === 0, text);
}

function sinkLine(name: string, s: Doc): string {
  if (typeof s !== 'object' || s === null) return `${name}: ${JSON.stringify(s)}`;
  const state = s.state !== undefined ? String(s.state) : 'open';
  const counts = ['published', 'written', 'failed'].filter((k) => s[k] !== undefined).map((k) => `${k} ${num(s[k])}`);
  const err = s.lastError as Doc | undefined;
  const text = `${name}: ${[state, ...counts].join(', ')}${err !== undefined ? `, last error ${String(err.code)} ${String(err.message)}` : ''}`;
  return mark(s.connected !== false && err === undefined, text);
}

function moduleLine(name: string, m: Doc): string {
  const err = m.lastError as Doc | undefined;
  const text = `${name} (${String(m.type)}): ${String(m.state)}, restarts ${num(m.restarts)}${err !== undefined ? `, last error ${String(err.code ?? '')} ${String(err.message ?? '')}` : ''}`;
  return mark(m.state === 'running', text);
}

/** A titled block: the title on the first line, one entry per line, or `none`. */
function section(title: string, entries: Doc | undefined, line: (name: string, value: Doc) => string): string[] {
  const items = Object.entries(entries ?? {}).filter(([, v]) => typeof v === 'object' && v !== null);
  if (items.length === 0) return [`  ${title.padEnd(10)} none`];
  return items.map(([name, value], i) => {
    const text = line(name, value as Doc);
    return `${text.slice(0, 2)}${i === 0 ? title.padEnd(10) : ' '.repeat(10)} ${text.slice(2)}`;
  });
}

/** `! ` before a line that needs attention, two spaces otherwise (top-level lines). */
function mark(ok: boolean, text: string): string {
  return `${ok ? ' ' : '!'} ${text}`;
}

function num(v: unknown): string {
  return typeof v === 'number' ? v.toLocaleString('en-US') : String(v ?? '?');
}

function bytes(v: unknown): string {
  const n = Number(v);
  if (!Number.isFinite(n)) return '?';
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function ms(v: unknown): string {
  const n = Number(v);
  if (n >= 60_000) return `${(n / 60_000).toFixed(1)} min`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)} s`;
  return `${Math.round(n)} ms`;
}
