/**
 * Parses IoT Edge-style route strings [IoT Edge: declare routes]:
 *
 *   [SELECT *] FROM <source> [WHERE <condition>] INTO <sink>
 *
 * Keywords are case-insensitive. Sources: `/*` and `/messages/*` (every message),
 * `/messages/devices/*` (fieldhub: messages of identities that are not modules, i.e. leaf devices),
 * `/messages/modules/*`, `/messages/modules/<m>/*`, `/messages/modules/<m>/outputs/*` (messages of
 * module m that name an output), `/messages/modules/<m>/outputs/<o>`. Sinks: `$upstream`,
 * `BrokeredEndpoint("/modules/<m>/inputs/<i>")`, and fieldhub's local sinks `Sink("<name>")`.
 * The condition is the IoT Hub routing query language (message-condition.ts).
 *
 * Pure. Errors are {@link RouteError} (FH_ROUTE_INVALID) with the route name and the 1-based
 * column of the fault in the whole route string, WHERE errors included.
 */
import { isValidId } from '../../hub-core/core/index.js';
import { QueryError } from '../../hub-core/core/query/index.js';
import { compileMessageCondition, type MessageCondition } from './message-condition.js';
import { RouteError } from './route-error.js';

/** Which messages a route takes, by sender. Module ids and output names match case-insensitively, as in IoT Edge. */
export type RouteSource =
  /** `/*`, `/messages/*`: every message. */
  | { readonly kind: 'all' }
  /** `/messages/devices/*`: messages of device identities (not modules). */
  | { readonly kind: 'devices' }
  /** `/messages/modules/*`: messages of any module identity. */
  | { readonly kind: 'modules' }
  /** `/messages/modules/<m>/*`: every message of module m. */
  | { readonly kind: 'module'; readonly moduleId: string }
  /** `/messages/modules/<m>/outputs/*`: messages of module m sent on a named output. */
  | { readonly kind: 'moduleOutputs'; readonly moduleId: string }
  /** `/messages/modules/<m>/outputs/<o>`: messages of module m sent on output o. */
  | { readonly kind: 'moduleOutput'; readonly moduleId: string; readonly outputName: string };

/** Where a route sends what it takes. */
export type RouteSink =
  /** `$upstream`: the upstream hub, through the outbox. */
  | { readonly kind: 'upstream' }
  /** `BrokeredEndpoint("/modules/<m>/inputs/<i>")`: input i of module m (of the gateway device). */
  | { readonly kind: 'moduleInput'; readonly moduleId: string; readonly inputName: string }
  /** `Sink("<name>")`: a local sink defined under `sinks:` in the config. */
  | { readonly kind: 'sink'; readonly name: string };

/** One parsed route. */
export interface ParsedRoute {
  /** The route's name (its key in `routes:`). */
  readonly name: string;
  /** The route string as written. */
  readonly text: string;
  readonly source: RouteSource;
  /** The WHERE condition, when there is one. */
  readonly condition?: MessageCondition;
  readonly sink: RouteSink;
  /** 1-based column of the sink in {@link text} (for errors found later, such as an unknown sink name). */
  readonly sinkColumn: number;
}

/** A stable, readable key of a sink (`$upstream`, `BrokeredEndpoint("/modules/m/inputs/i")`, `Sink("name")`). */
export function sinkKey(sink: RouteSink): string {
  switch (sink.kind) {
    case 'upstream': return '$upstream';
    case 'moduleInput': return `BrokeredEndpoint(${JSON.stringify(`/modules/${sink.moduleId}/inputs/${sink.inputName}`)})`;
    case 'sink': return `Sink(${JSON.stringify(sink.name)})`;
  }
}

const SPACE = /\s/;
const WORD_PART = /[\p{L}\p{N}_$.]/u;
const SOURCES_HINT = 'expected /*, /messages/*, /messages/devices/*, /messages/modules/*, /messages/modules/<m>/*, '
  + '/messages/modules/<m>/outputs/* or /messages/modules/<m>/outputs/<o>';
const SINKS_HINT = 'use $upstream, BrokeredEndpoint("/modules/<m>/inputs/<i>") or Sink("<name>")';

/** A cursor over one route string; offsets are 0-based, errors report 1-based columns. */
class Scanner {
  pos = 0;
  constructor(readonly name: string, readonly text: string) {}

  fail(at: number, message: string): never {
    throw new RouteError(this.name, at + 1, message);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && SPACE.test(this.text[this.pos] as string)) this.pos++;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** The next run of non-space characters (for messages). */
  peekWord(): string {
    let end = this.pos;
    while (end < this.text.length && !SPACE.test(this.text[end] as string)) end++;
    return this.text.slice(this.pos, end);
  }

  /** True (and consumed) when keyword `word` is next and not the start of a longer word. */
  acceptKeyword(word: string): boolean {
    const end = this.pos + word.length;
    if (this.text.slice(this.pos, end).toUpperCase() !== word) return false;
    if (end < this.text.length && WORD_PART.test(this.text[end] as string)) return false;
    this.pos = end;
    return true;
  }

  describeNext(): string {
    return this.atEnd() ? 'the end of the route' : `"${this.peekWord()}"`;
  }
}

function parseSource(s: Scanner): RouteSource {
  const start = s.pos;
  const path = s.peekWord();
  if (path === '') s.fail(start, `expected a source after FROM: ${SOURCES_HINT}`);
  s.pos += path.length;
  if (!path.startsWith('/')) s.fail(start, `bad source "${path}": ${SOURCES_HINT}`);
  const segs = path.slice(1).split('/');
  const offsets: number[] = [];
  let at = start + 1;
  for (const seg of segs) {
    offsets.push(at);
    at += seg.length + 1;
  }
  const seg = (i: number): string | undefined => segs[i];
  const lower = (i: number): string | undefined => segs[i]?.toLowerCase();
  const end = (i: number, source: RouteSource): RouteSource => {
    if (segs.length > i + 1) s.fail(offsets[i + 1] as number, `unexpected "${segs.slice(i + 1).join('/')}" in source "${path}": ${SOURCES_HINT}`);
    return source;
  };
  const expect: (i: number, what: string) => never = (i, what) => s.fail(i < segs.length ? offsets[i] as number : start + path.length,
    `bad source "${path}": expected ${what} here (${SOURCES_HINT})`);

  if (seg(0) === '*') return end(0, { kind: 'all' });
  if (lower(0) !== 'messages') expect(0, '"messages" or "*"');
  if (seg(1) === '*') return end(1, { kind: 'all' });
  if (lower(1) === 'devices') {
    if (seg(2) !== '*') expect(2, '"*"');
    return end(2, { kind: 'devices' });
  }
  if (lower(1) !== 'modules') expect(1, '"*", "devices" or "modules"');
  if (seg(2) === '*') return end(2, { kind: 'modules' });
  const moduleId = seg(2);
  if (moduleId === undefined || moduleId === '') expect(2, 'a module id or "*"');
  if (!isValidId(moduleId)) s.fail(offsets[2] as number, `bad module id "${moduleId}" in source: 1-128 characters of [A-Za-z0-9-.+%_#*?!(),:=@$']`);
  if (seg(3) === '*') return end(3, { kind: 'module', moduleId });
  if (lower(3) !== 'outputs') expect(3, '"*" or "outputs"');
  if (seg(4) === '*') return end(4, { kind: 'moduleOutputs', moduleId });
  const outputName = seg(4);
  if (outputName === undefined || outputName === '') expect(4, 'an output name or "*"');
  return end(4, { kind: 'moduleOutput', moduleId, outputName });
}

/**
 * The offset of the INTO that ends a WHERE condition starting at `from`, or -1: the last `INTO`
 * word outside string literals (so a property called `into` does not end the condition early).
 */
function findInto(text: string, from: number): number {
  let found = -1;
  for (let i = from; i < text.length;) {
    const c = text[i] as string;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    if ((c === 'i' || c === 'I') && text.slice(i, i + 4).toUpperCase() === 'INTO'
      && (i === 0 || !WORD_PART.test(text[i - 1] as string))
      && (i + 4 === text.length || SPACE.test(text[i + 4] as string))) {
      found = i;
    }
    i++;
  }
  return found;
}

/** Compiles the condition text found at `start`; a QueryError's position becomes a route column. */
function parseCondition(s: Scanner, start: number, text: string): MessageCondition {
  try {
    return compileMessageCondition(text);
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    const detail = err.message.replace(/^at position \d+: /, '').replace('the end of the query', 'the end of the condition');
    throw new RouteError(s.name, start + err.position + 1, `bad WHERE condition: ${detail}`, { cause: err });
  }
}

/** A quoted argument `"…"` or `'…'` with escapes \" \' \\; returns its value and content offset. */
function parseQuoted(s: Scanner): { value: string; at: number } {
  const quote = s.text[s.pos];
  if (quote !== '"' && quote !== "'") s.fail(s.pos, `expected a quoted string, found ${s.describeNext()}`);
  const open = s.pos;
  let value = '';
  for (let i = open + 1; i < s.text.length; i++) {
    const c = s.text[i] as string;
    if (c === quote) {
      s.pos = i + 1;
      return { value, at: open + 1 };
    }
    if (c === '\\') {
      const e = s.text[i + 1];
      if (e !== '"' && e !== "'" && e !== '\\') s.fail(i, `unknown escape \\${e ?? ''} in a string`);
      value += e;
      i++;
    } else {
      value += c;
    }
  }
  return s.fail(open, 'unterminated string');
}

function parseBrokeredEndpoint(s: Scanner, endpoint: string, at: number): RouteSink {
  const m = /^\/modules\/([^/]*)\/inputs\/([^/]*)$/i.exec(endpoint);
  if (!m) s.fail(at, `bad BrokeredEndpoint "${endpoint}": expected "/modules/<moduleId>/inputs/<inputName>"`);
  const moduleId = m[1] as string;
  const inputName = m[2] as string;
  if (!isValidId(moduleId)) s.fail(at + '/modules/'.length, `bad module id "${moduleId}" in BrokeredEndpoint: 1-128 characters of [A-Za-z0-9-.+%_#*?!(),:=@$']`);
  if (inputName === '' || /\s/.test(inputName)) s.fail(at + endpoint.length - inputName.length, `bad input name "${inputName}" in BrokeredEndpoint`);
  return { kind: 'moduleInput', moduleId, inputName };
}

function parseSink(s: Scanner): RouteSink {
  const start = s.pos;
  if (s.atEnd()) s.fail(start, `expected a sink after INTO: ${SINKS_HINT}`);
  if (s.text[start] === '$') {
    const word = s.peekWord();
    if (word.toLowerCase() !== '$upstream') s.fail(start, `unknown system endpoint "${word}": ${SINKS_HINT}`);
    s.pos += word.length;
    return { kind: 'upstream' };
  }
  const fn = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.text.slice(start))?.[0] ?? '';
  const kind = fn.toLowerCase();
  if (kind !== 'brokeredendpoint' && kind !== 'sink') s.fail(start, `unknown sink ${s.describeNext()}: ${SINKS_HINT}`);
  s.pos += fn.length;
  s.skipSpace();
  if (s.text[s.pos] !== '(') s.fail(s.pos, `expected "(" after ${fn}, found ${s.describeNext()}`);
  s.pos++;
  s.skipSpace();
  const arg = parseQuoted(s);
  s.skipSpace();
  if (s.text[s.pos] !== ')') s.fail(s.pos, `expected ")" after the ${fn} argument, found ${s.describeNext()}`);
  s.pos++;
  if (kind === 'brokeredendpoint') return parseBrokeredEndpoint(s, arg.value, arg.at);
  if (arg.value.trim() === '') s.fail(arg.at, 'empty sink name in Sink("<name>")');
  return { kind: 'sink', name: arg.value };
}

/**
 * Parses one route string. Pure.
 * @param name the route's name, for errors.
 * @throws RouteError (FH_ROUTE_INVALID) naming the route and the 1-based column of the fault.
 */
export function parseRoute(name: string, text: string): ParsedRoute {
  if (typeof text !== 'string') throw new RouteError(name, 1, 'a route must be a string');
  const s = new Scanner(name, text);
  s.skipSpace();
  if (s.atEnd()) s.fail(s.pos, 'empty route: expected FROM <source> [WHERE <condition>] INTO <sink>');
  if (s.acceptKeyword('SELECT')) {
    s.skipSpace();
    if (s.text[s.pos] !== '*') s.fail(s.pos, `expected "*" after SELECT, found ${s.describeNext()}`);
    s.pos++;
    s.skipSpace();
  }
  if (!s.acceptKeyword('FROM')) s.fail(s.pos, `expected FROM, found ${s.describeNext()}`);
  s.skipSpace();
  const source = parseSource(s);
  s.skipSpace();
  let condition: MessageCondition | undefined;
  const wherePos = s.pos;
  if (s.acceptKeyword('WHERE')) {
    const condStart = s.pos;
    const into = findInto(text, condStart);
    if (into < 0) {
      parseCondition(s, condStart, text.slice(condStart)); // a broken condition is the better error
      s.fail(text.length, 'expected INTO <sink> after the condition');
    }
    const condText = text.slice(condStart, into);
    if (condText.trim() === '') s.fail(wherePos, 'WHERE needs a condition');
    condition = parseCondition(s, condStart, condText);
    s.pos = into;
  }
  if (!s.acceptKeyword('INTO')) {
    s.fail(s.pos, `expected ${condition === undefined ? 'WHERE or INTO' : 'INTO'} after the source, found ${s.describeNext()}`);
  }
  s.skipSpace();
  const sinkColumn = s.pos + 1;
  const sink = parseSink(s);
  s.skipSpace();
  if (!s.atEnd()) s.fail(s.pos, `unexpected ${s.describeNext()} after the sink`);
  const route: ParsedRoute = { name, text, source, sink, sinkColumn };
  return condition === undefined ? route : { ...route, condition };
}
