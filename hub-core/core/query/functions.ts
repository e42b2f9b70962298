/**
 * Built-in functions of the IoT Hub query language: the twin-query `IS_DEFINED` plus the
 * routing-condition type, string and math functions [IoT Hub query language: functions]. All are
 * offered everywhere. A function given arguments of the wrong type returns `undefined`, which
 * makes any condition around it not hold, as IoT Hub does.
 */

/** A function: its argument count and its implementation over evaluated arguments. */
export interface BuiltinFunction {
  minArgs: number;
  maxArgs: number;
  call(args: unknown[]): unknown;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isObj = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (n: number): number | undefined => (Number.isFinite(n) ? n : undefined);
const chars = (s: string): string[] => Array.from(s); // code points, so surrogate pairs count once

function math1(fn: (x: number) => number): BuiltinFunction {
  return { minArgs: 1, maxArgs: 1, call: ([x]) => (isNum(x) ? finite(fn(x)) : undefined) };
}
function check(fn: (x: unknown) => boolean): BuiltinFunction {
  return { minArgs: 1, maxArgs: 1, call: ([x]) => fn(x) };
}
/** `fn(a, b[, ignoreCase])` over two strings. */
function strPair(fn: (a: string, b: string) => unknown): BuiltinFunction {
  return {
    minArgs: 2,
    maxArgs: 3,
    call: ([a, b, ignoreCase]) => {
      if (!isStr(a) || !isStr(b)) return undefined;
      if (ignoreCase === true) return fn(a.toLowerCase(), b.toLowerCase());
      return ignoreCase === undefined || ignoreCase === false ? fn(a, b) : undefined;
    },
  };
}

function asNumber(x: unknown): number | undefined {
  if (isNum(x)) return x;
  if (!isStr(x) || x.trim() === '') return undefined;
  // JSON number syntax only: AS_NUMBER('0x10') or ('1e') is not a number.
  return /^\s*-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$/.test(x) ? finite(Number(x)) : undefined;
}

function substring(args: unknown[]): string | undefined {
  const [s, start, length] = args;
  if (!isStr(s) || !Number.isInteger(start) || (length !== undefined && !Number.isInteger(length))) return undefined;
  const cs = chars(s);
  const from = Math.max(0, start as number);
  const to = length === undefined ? cs.length : from + Math.max(0, length as number);
  return cs.slice(from, to).join('');
}

function indexOf(s: string, fragment: string): number {
  const unit = s.indexOf(fragment);
  return unit < 0 ? -1 : chars(s.slice(0, unit)).length;
}

/** The function table, by canonical upper-case name. */
export const FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = new Map<string, BuiltinFunction>([
  ['IS_DEFINED', check((x) => x !== undefined)],
  ['IS_NULL', check((x) => x === null)],
  ['IS_BOOL', check((x) => typeof x === 'boolean')],
  ['IS_NUMBER', check(isNum)],
  ['IS_STRING', check(isStr)],
  ['IS_ARRAY', check((x) => Array.isArray(x))],
  ['IS_OBJECT', check(isObj)],
  ['IS_PRIMITIVE', check((x) => x === null || isStr(x) || isNum(x) || typeof x === 'boolean')],
  ['AS_NUMBER', { minArgs: 1, maxArgs: 1, call: ([x]) => asNumber(x) }],
  ['STARTSWITH', strPair((a, b) => a.startsWith(b))],
  ['ENDSWITH', strPair((a, b) => a.endsWith(b))],
  ['CONTAINS', strPair((a, b) => a.includes(b))],
  ['INDEX_OF', { minArgs: 2, maxArgs: 2, call: ([a, b]) => (isStr(a) && isStr(b) ? indexOf(a, b) : undefined) }],
  ['LOWER', { minArgs: 1, maxArgs: 1, call: ([s]) => (isStr(s) ? s.toLowerCase() : undefined) }],
  ['UPPER', { minArgs: 1, maxArgs: 1, call: ([s]) => (isStr(s) ? s.toUpperCase() : undefined) }],
  ['LTRIM', { minArgs: 1, maxArgs: 1, call: ([s]) => (isStr(s) ? s.trimStart() : undefined) }],
  ['RTRIM', { minArgs: 1, maxArgs: 1, call: ([s]) => (isStr(s) ? s.trimEnd() : undefined) }],
  ['LENGTH', { minArgs: 1, maxArgs: 1, call: ([s]) => (isStr(s) ? chars(s).length : undefined) }],
  ['CONCAT', { minArgs: 2, maxArgs: Infinity, call: (args) => (args.every(isStr) ? args.join('') : undefined) }],
  ['SUBSTRING', { minArgs: 2, maxArgs: 3, call: substring }],
  ['ABS', math1(Math.abs)],
  ['CEILING', math1(Math.ceil)],
  ['FLOOR', math1(Math.floor)],
  ['EXP', math1(Math.exp)],
  ['SQRT', math1(Math.sqrt)],
  ['SQUARE', math1((x) => x * x)],
  ['SIGN', math1(Math.sign)],
  ['POWER', { minArgs: 2, maxArgs: 2, call: ([x, y]) => (isNum(x) && isNum(y) ? finite(x ** y) : undefined) }],
]);

/** Other spellings found in the Azure docs, mapped to the canonical name. */
export const FUNCTION_ALIASES: ReadonlyMap<string, string> = new Map([
  ['STARTS_WITH', 'STARTSWITH'],
  ['ENDS_WITH', 'ENDSWITH'],
]);

/** Aggregates, valid only as a whole SELECT item. */
export const AGGREGATES: ReadonlySet<string> = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
