/**
 * Evaluates query expressions over any document through a path resolver, so twin queries and
 * message-route conditions share it. Semantics follow IoT Hub (and the Cosmos DB SQL it derives
 * from): a missing property is `undefined`; comparing values of different types, or objects and
 * arrays, gives `undefined`; NOT/AND/OR use three-valued logic; a condition holds only when it
 * evaluates to boolean `true` ("any constant different than Boolean true is considered false").
 */
import type { BinaryOp, Condition, Expr } from './ast.js';
import { FUNCTIONS } from './functions.js';

/** Looks up a path (`['properties', 'reported', 'temp']`) in the document being evaluated. */
export type PathResolver = (path: string[]) => unknown;

/** Resolver values that are not JSON (functions, symbols, NaN, class instances) read as undefined. */
function normalize(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (Array.isArray(v)) return v;
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as unknown;
    return proto === Object.prototype || proto === null ? v : undefined;
  }
  return undefined;
}

function isPrimitive(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * Compares two values. Only primitives of the same type compare (null = null holds); anything
 * else, including undefined, gives undefined. Strings compare case-sensitively, by UTF-16 code unit.
 */
export function compareValues(op: '=' | '!=' | '<' | '>' | '<=' | '>=', a: unknown, b: unknown): boolean | undefined {
  if (!isPrimitive(a) || !isPrimitive(b)) return undefined;
  if (a === null || b === null) {
    if (a !== b) return undefined;
    return op === '=' || op === '<=' || op === '>=';
  }
  if (typeof a !== typeof b) return undefined;
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
  }
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%', a: unknown, b: unknown): number | undefined {
  if (typeof a !== 'number' || typeof b !== 'number') return undefined;
  let r: number;
  switch (op) {
    case '+': r = a + b; break;
    case '-': r = a - b; break;
    case '*': r = a * b; break;
    case '/': r = a / b; break;
    case '%': r = a % b; break;
  }
  return Number.isFinite(r) ? r : undefined; // x / 0 is undefined, not Infinity
}

function not(v: unknown): boolean | undefined {
  return v === true ? false : v === false ? true : undefined;
}

function binary(op: BinaryOp, left: Expr, right: Expr, resolve: PathResolver): unknown {
  if (op === 'AND' || op === 'OR') {
    // Kleene logic with short-circuit: false AND x = false, true OR x = true, else undefined.
    const stop = op === 'OR';
    const l = evaluateExpression(left, resolve);
    if (l === stop) return stop;
    const r = evaluateExpression(right, resolve);
    if (r === stop) return stop;
    return l === !stop && r === !stop ? !stop : undefined;
  }
  const l = evaluateExpression(left, resolve);
  const r = evaluateExpression(right, resolve);
  if (op === '+' || op === '-' || op === '*' || op === '/' || op === '%') return arithmetic(op, l, r);
  return compareValues(op, l, r);
}

/**
 * Evaluates an expression to a JSON value or `undefined`.
 * @param resolve reads a property path of the current document (twin, message, ...).
 */
export function evaluateExpression(expr: Expr, resolve: PathResolver): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path':
      return normalize(resolve(expr.path));
    case 'array':
      return expr.items.map((e) => evaluateExpression(e, resolve));
    case 'unary': {
      const v = evaluateExpression(expr.operand, resolve);
      if (expr.op === 'NOT') return not(v);
      if (typeof v !== 'number') return undefined;
      return expr.op === '-' ? -v : v;
    }
    case 'binary':
      return binary(expr.op, expr.left, expr.right, resolve);
    case 'in': {
      const v = evaluateExpression(expr.operand, resolve);
      if (v === undefined) return undefined; // even against an empty list
      let result: boolean | undefined = false;
      for (const item of expr.items) {
        const eq = compareValues('=', v, evaluateExpression(item, resolve));
        if (eq === true) {
          result = true;
          break;
        }
        if (eq === undefined) result = undefined;
      }
      return expr.negated ? not(result) : result;
    }
    case 'call': {
      const fn = FUNCTIONS.get(expr.name);
      // The parser only builds calls to known functions; a hand-made AST may not.
      if (!fn) throw new TypeError(`unknown query function ${expr.name}`);
      return fn.call(expr.args.map((a) => evaluateExpression(a, resolve)));
    }
    case 'aggregate':
      throw new TypeError(`${expr.fn}() can only be evaluated over a group (runQuery)`);
  }
}

/** True when the condition evaluates to boolean `true`; false, null, undefined and any other value do not hold. */
export function evaluateCondition(cond: Condition, resolve: PathResolver): boolean {
  return evaluateExpression(cond, resolve) === true;
}
