/**
 * Runs the certificate issuer (issue.ts, and @peculiar/x509 with its ASN.1 schemas behind it) in
 * a short-lived child process. Certificates are made once, at first start or renewal, and a hub
 * then runs for months: what the library takes (~8 MB, and the allocator's arenas after it; a
 * worker thread still left ~6 MB behind) goes away with the child instead of staying in the hub.
 *
 * This file is both sides: imported, it exports {@link issueInChild}; run as the child's entry
 * (with {@link CHILD_FLAG}), it takes one call over IPC, runs the issuer and sends back the
 * result or the error's code and message. From TypeScript sources (the unit tests) there is no
 * compiled entry to run, so the issuer runs in-process there.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HubError, HubErrorCodes, type HubErrorCode } from '../errors.js';
import type { PemPair } from './issue.js';

type Issuer = typeof import('./issue.js');

/** One call: the issuer function and its options, plain data in both directions. */
export type IssueCall =
  | { fn: 'createCa'; options: Parameters<Issuer['createCa']>[0] }
  | { fn: 'issueServerCertificate'; options: Parameters<Issuer['issueServerCertificate']>[0] };

type Reply = { ok: PemPair } | { error: { code?: string; message: string } };

/** The argument that makes this file the issuing child. */
const CHILD_FLAG = '--fieldhub-issue-certificate';

function call(issuer: Issuer, c: IssueCall): Promise<PemPair> {
  return c.fn === 'createCa' ? issuer.createCa(c.options) : issuer.issueServerCertificate(c.options);
}

/** Runs `c` in a child process (in-process when running from TypeScript sources). */
export async function issueInChild(c: IssueCall): Promise<PemPair> {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) return call(await import('./issue.js'), c);
  // No inherited node flags (an --inspect port, a --cpu-prof): the child only signs.
  const child = fork(self, [CHILD_FLAG], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const reply = await new Promise<Reply>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Reply));
    child.once('error', (err) => reject(new HubError('FH_INTERNAL', `cannot start the certificate issuer: ${err.message}`, { cause: err })));
    child.once('exit', (code, signal) => reject(new HubError('FH_INTERNAL', `the certificate issuer exited (${code ?? signal}) without a result`)));
    child.send(c);
  }).finally(() => child.kill());
  if ('ok' in reply) return reply.ok;
  const code = reply.error.code;
  if (code !== undefined && Object.hasOwn(HubErrorCodes, code)) throw new HubError(code as HubErrorCode, reply.error.message);
  throw new HubError('FH_INTERNAL', `certificate issuance failed: ${reply.error.message}`);
}

if (process.argv.includes(CHILD_FLAG) && process.send !== undefined) {
  process.once('message', (c: IssueCall) => {
    const done = (reply: Reply): void => {
      process.send?.(reply, () => process.disconnect());
    };
    import('./issue.js')
      .then((issuer) => call(issuer, c))
      .then((ok) => done({ ok }), (err: unknown) => {
        const e = err as { code?: unknown; message?: unknown };
        done({ error: { ...(typeof e.code === 'string' ? { code: e.code } : {}), message: String(e.message ?? err) } });
      });
  });
}
