/**
 * Runs a parsed query over twin documents: filter (WHERE), then group (GROUP BY / aggregates) or
 * project (SELECT list), then TOP. The caller supplies the documents `q.from` names (device twins
 * or module twins) and pages the result [wire contract E: query].
 */
import { cloneJson, resolveJsonPath, setOwn } from '../twin-doc-json.js';
import type { JsonObject, JsonValue } from '../types.js';
import type { AggregateExpr, PathExpr, Query, QuerySource, SelectItem } from './ast.js';
import { evaluateCondition, evaluateExpression, type PathResolver } from './evaluate.js';

/** What {@link runQuery} returns: `Twin` items for `SELECT *`, `Raw` ones for projections. */
export interface QueryRunResult {
  items: JsonObject[];
  itemType: 'Twin' | 'Raw';
}

/**
 * A resolver over one twin document. A leading collection name is accepted and skipped
 * (`devices.tags.x` in `FROM devices`), as the IoT Hub jobs queries write `devices.jobs.…`.
 */
export function twinResolver(doc: JsonObject, from: QuerySource = 'devices'): PathResolver {
  const prefix = from === 'devices' ? ['devices'] : ['devices', 'modules'];
  return (path) => {
    const prefixed = path.length > prefix.length && prefix.every((s, i) => path[i] === s);
    return resolveJsonPath(doc, prefixed ? path.slice(prefix.length) : path);
  };
}

function put(row: JsonObject, key: string, value: unknown): void {
  // Undefined values leave the column out, as IoT Hub omits missing properties.
  if (value !== undefined) setOwn(row, key, cloneJson(value as JsonValue));
}

function aggregate(agg: AggregateExpr, group: PathResolver[]): unknown {
  const arg = agg.arg;
  if (agg.fn === 'COUNT') return arg ? group.filter((r) => evaluateExpression(arg, r) !== undefined).length : group.length;
  if (!arg) return undefined;
  const values = group.map((r) => evaluateExpression(arg, r));
  const nums = values.filter((v): v is number => typeof v === 'number');
  if (agg.fn === 'SUM' || agg.fn === 'AVG') {
    if (nums.length === 0) return undefined;
    const sum = nums.reduce((a, b) => a + b, 0);
    return agg.fn === 'SUM' ? sum : sum / nums.length;
  }
  // MIN/MAX: numbers when there are any, else strings (ordinal), else nothing.
  if (nums.length) return agg.fn === 'MIN' ? Math.min(...nums) : Math.max(...nums);
  const strs = values.filter((v): v is string => typeof v === 'string').sort();
  return agg.fn === 'MIN' ? strs[0] : strs[strs.length - 1];
}

interface Group {
  keys: unknown[];
  members: PathResolver[];
}

function groupRows(items: SelectItem[], groupBy: PathExpr[], matched: PathResolver[]): JsonObject[] {
  const groups = new Map<string, Group>();
  if (groupBy.length === 0) groups.set('', { keys: [], members: matched }); // one row, even for no docs
  else {
    for (const r of matched) {
      const keys = groupBy.map((g) => evaluateExpression(g, r));
      // undefined is its own group (JSON.stringify would turn it into null).
      const id = JSON.stringify(keys.map((k) => (k === undefined ? { $undefined: true } : k)));
      const g = groups.get(id);
      if (g) g.members.push(r);
      else groups.set(id, { keys, members: [r] });
    }
  }
  return [...groups.values()].map((g) => {
    const row: JsonObject = {};
    for (const it of items) {
      if (it.expr.kind === 'aggregate') {
        put(row, it.alias, aggregate(it.expr, g.members));
      } else {
        const expr = it.expr;
        const i = groupBy.findIndex((p) => expr.kind === 'path' && p.path.join('\u0000') === expr.path.join('\u0000'));
        put(row, it.alias, g.keys[i]);
      }
    }
    return row;
  });
}

/**
 * Runs `q` over `docs` (device twins for `FROM devices`, module twins for `FROM devices.modules`).
 * `SELECT *` returns the matching documents themselves (same objects, not copies; itemType
 * `Twin`); projections and aggregates return new objects (itemType `Raw`), e.g.
 * `SELECT COUNT() AS numberOfDevices FROM devices` → `[{ numberOfDevices: n }]`.
 */
export function runQuery(q: Query, docs: Iterable<JsonObject>): QueryRunResult {
  const matched: { doc: JsonObject; resolve: PathResolver }[] = [];
  for (const doc of docs) {
    const resolve = twinResolver(doc, q.from);
    if (!q.where || evaluateCondition(q.where, resolve)) matched.push({ doc, resolve });
  }
  const limit = (rows: JsonObject[]): JsonObject[] => (q.top === undefined ? rows : rows.slice(0, q.top));
  if (q.select === '*') return { items: limit(matched.map((m) => m.doc)), itemType: 'Twin' };
  const items = q.select;
  if (q.aggregate) {
    return { items: limit(groupRows(items, q.groupBy ?? [], matched.map((m) => m.resolve))), itemType: 'Raw' };
  }
  const rows = matched.map(({ resolve }) => {
    const row: JsonObject = {};
    for (const it of items) put(row, it.alias, evaluateExpression(it.expr, resolve));
    return row;
  });
  return { items: limit(rows), itemType: 'Raw' };
}
