/**
 * Route conditions (`WHERE …`) over a message, in the IoT Hub routing query language as hub-core's
 * query package parses and evaluates it [IoT Hub message routing query syntax]:
 *
 * - `$name` reads a system property (case-insensitive name): `$messageId`, `$correlationId`,
 *   `$contentType`, `$contentEncoding`, `$to`, `$expiryTimeUtc`, `$userId`, `$enqueuedTime`,
 *   `$connectionDeviceId`, `$connectionModuleId`, `$outputName`, `$inputName`, `$interfaceId`,
 *   `$subject`, and the wire spellings `$iothub-connection-device-id`,
 *   `$iothub-connection-module-id`, `$iothub-enqueuedtime`, `$iothub-interface-name`, `$dt-subject`.
 *   A `$name` that is no system property (or is unset) falls back to an application property
 *   spelled `$name`, as IoT Hub documents.
 * - A bare name reads an application property: exact name first, then case-insensitively (IoT Hub
 *   treats property names case-insensitively). Values are strings: `AS_NUMBER(severity) > 3`.
 *   A dotted name `a.b` is the property named `a.b`, and `a-b` the property `a-b`, as in IoT
 *   Edge (write `a - b` to subtract).
 * - `$body.a.b[0]` reads the JSON body, only when contentType is application/json and
 *   contentEncoding UTF-8/16/32; otherwise, or when the body does not parse, it is undefined.
 *   The body is parsed at most once per message, and only if a condition reads it. Only leaves
 *   (string, number, boolean, null) are values: `$body`, an object or an array is undefined, as in
 *   IoT Edge. `$twin` is refused when the route is compiled (fieldhub does not route on twins).
 */
import { evaluateCondition, parseCondition, QueryError, type Condition, type Expr, type PathResolver } from '../../hub-core/core/query/index.js';
import type { Message, SystemProperties } from '../../hub-core/core/types.js';
import { jsonBodyOf } from './message-body.js';

/** A compiled condition: the text as written and its expression. */
export interface MessageCondition {
  readonly text: string;
  readonly expr: Condition;
}

/** System property names a condition may read after `$`, lower-cased, to the message field. */
const SYSTEM: ReadonlyMap<string, keyof SystemProperties> = new Map<string, keyof SystemProperties>([
  ['messageid', 'messageId'], ['correlationid', 'correlationId'], ['contenttype', 'contentType'],
  ['contentencoding', 'contentEncoding'], ['to', 'to'], ['expirytimeutc', 'expiryTimeUtc'], ['userid', 'userId'],
  ['enqueuedtime', 'enqueuedTime'], ['connectiondeviceid', 'connectionDeviceId'], ['connectionmoduleid', 'connectionModuleId'],
  ['outputname', 'outputName'], ['inputname', 'inputName'], ['interfaceid', 'interfaceId'], ['subject', 'subject'],
  ['iothub-connection-device-id', 'connectionDeviceId'], ['iothub-connection-module-id', 'connectionModuleId'],
  ['iothub-enqueuedtime', 'enqueuedTime'], ['iothub-interface-name', 'interfaceId'], ['dt-subject', 'subject'],
]);

// ---- compiling ---------------------------------------------------------------------------------

/**
 * Stands in for `-` inside names while hub-core's lexer reads them (it would read a minus): one
 * UTF-16 unit that the lexer takes as a letter, so every position stays where it was. As in the
 * IoT Edge grammar, a `-` between name characters is part of the name (`$iothub-enqueuedtime`,
 * `processing-path`, `$body.max-temp`); a subtraction needs spaces (`$body.a - $body.b`).
 */
const DASH = '\u01c2';
const IDENT_START = /[\p{L}_$]/u;
const IDENT_PART = /[\p{L}\p{N}_$]/u;

/** Joins dashed names outside string literals; returns the text and the offsets of the names changed. */
function markDashedNames(text: string): { text: string; starts: Set<number> } {
  const starts = new Set<number>();
  let chars: string[] | undefined;
  for (let i = 0; i < text.length;) {
    const c = text[i] as string;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    // A name starts here (not inside a number such as 1e-5 or 0x1F, nor inside another name).
    if (!IDENT_START.test(c) || (i > 0 && IDENT_PART.test(text[i - 1] as string))) {
      i++;
      continue;
    }
    let j = i + 1;
    for (; j < text.length; j++) {
      const ch = text[j] as string;
      if (IDENT_PART.test(ch) || ch === '.') continue;
      if (ch === '-' && IDENT_PART.test(text[j - 1] as string) && j + 1 < text.length && IDENT_PART.test(text[j + 1] as string)) {
        chars ??= Array.from({ length: text.length }, (_, k) => text[k] as string);
        chars[j] = DASH;
        starts.add(i);
        continue;
      }
      break;
    }
    i = j;
  }
  return { text: chars === undefined ? text : chars.join(''), starts };
}

/** Visits every expression node. */
function walk(expr: Expr, visit: (e: Expr) => void): void {
  visit(expr);
  switch (expr.kind) {
    case 'array': for (const e of expr.items) walk(e, visit); break;
    case 'unary': walk(expr.operand, visit); break;
    case 'binary': walk(expr.left, visit); walk(expr.right, visit); break;
    case 'in': walk(expr.operand, visit); for (const e of expr.items) walk(e, visit); break;
    case 'call': for (const e of expr.args) walk(e, visit); break;
    case 'aggregate': if (expr.arg) walk(expr.arg, visit); break;
    default: break;
  }
}

/**
 * Parses a route condition. Pure.
 * @throws QueryError (FH_QUERY_INVALID) whose `position` is the 0-based offset in `text`.
 */
export function compileMessageCondition(text: string): MessageCondition {
  const marked = markDashedNames(text);
  let expr: Condition;
  try {
    expr = parseCondition(marked.text);
  } catch (err) {
    if (!(err instanceof QueryError) || marked.starts.size === 0) throw err;
    const detail = err.message.replace(/^at position \d+: /, '').split(DASH).join('-');
    throw new QueryError(err.position, detail);
  }
  walk(expr, (e) => {
    if (e.kind !== 'path') return;
    if (marked.starts.has(e.pos)) e.path = e.path.map((s) => s.split(DASH).join('-'));
    if ((e.path[0] as string).toLowerCase() === '$twin') {
      throw new QueryError(e.pos, '$twin is not supported in fieldhub routes (conditions read the message only)');
    }
  });
  return { text, expr };
}

// ---- evaluating --------------------------------------------------------------------------------

type Getter = (message: Message, scope: MessageScope) => unknown;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function appProperty(props: Record<string, string>, name: string, lower: string): string | undefined {
  if (hasOwn(props, name)) return props[name];
  for (const key in props) {
    if (hasOwn(props, key) && key.length === name.length && key.toLowerCase() === lower) return props[key];
  }
  return undefined;
}

/** `$body.a[0].b` below the root: object keys, array indexes; a leaf or undefined. */
function bodyGetter(rest: readonly string[]): Getter {
  const indexes = rest.map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : -1));
  return (_message, scope) => {
    let cur = scope.jsonBody();
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    for (let i = 0; i < rest.length; i++) {
      if (cur === null || typeof cur !== 'object') return undefined;
      if (Array.isArray(cur)) {
        const index = indexes[i] as number;
        if (index < 0) return undefined;
        cur = cur[index] as unknown;
      } else {
        const key = rest[i] as string;
        if (!hasOwn(cur, key)) return undefined;
        cur = (cur as Record<string, unknown>)[key];
      }
    }
    return cur !== null && typeof cur === 'object' ? undefined : cur;
  };
}

function compileGetter(path: readonly string[]): Getter {
  const head = path[0] ?? '';
  if (head.toLowerCase() === '$body') return path.length === 1 ? () => undefined : bodyGetter(path.slice(1));
  const name = path.join('.');
  const lower = name.toLowerCase();
  const field = head.startsWith('$') ? SYSTEM.get(lower.slice(1)) : undefined;
  if (field === undefined) return (m) => appProperty(m.properties, name, lower);
  return (m) => m.system[field] ?? appProperty(m.properties, name, lower);
}

/** One getter per path array of a parsed condition (the AST keeps the same arrays). */
const getters = new WeakMap<readonly string[], Getter>();

function getterFor(path: string[]): Getter {
  let g = getters.get(path);
  if (g === undefined) {
    g = compileGetter(path);
    getters.set(path, g);
  }
  return g;
}

const UNPARSED: unique symbol = Symbol('unparsed');

/**
 * The message a condition is evaluated against, with its JSON body parsed lazily, at most once.
 * Reusable: {@link reset} points it at the next message (the router keeps one, so evaluating
 * allocates nothing but the body's JSON).
 */
export class MessageScope {
  #message: Message | undefined;
  #body: unknown = UNPARSED;

  /** The resolver to pass to hub-core's evaluateCondition. */
  readonly resolve: PathResolver = (path) => (this.#message === undefined ? undefined : getterFor(path)(this.#message, this));

  constructor(message?: Message) {
    this.#message = message;
  }

  /** Evaluates against `message` from now on (undefined releases the last one). */
  reset(message: Message | undefined): this {
    this.#message = message;
    this.#body = UNPARSED;
    return this;
  }

  /** The JSON body, or undefined when the body is not queryable JSON; parsed on first use. */
  jsonBody(): unknown {
    if (this.#body === UNPARSED) this.#body = this.#message === undefined ? undefined : jsonBodyOf(this.#message.system, this.#message.body);
    return this.#body;
  }
}

/** True when the condition evaluates to boolean true for the scope's message. */
export function conditionHolds(condition: MessageCondition, scope: MessageScope): boolean {
  return evaluateCondition(condition.expr, scope.resolve);
}

/** One-off form of {@link conditionHolds} (a new scope per call). */
export function messageMatches(condition: MessageCondition, message: Message): boolean {
  return conditionHolds(condition, new MessageScope(message));
}
