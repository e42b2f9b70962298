/**
 * Parser of IoT Hub queries and route conditions [IoT Hub query language]:
 *
 *   SELECT [TOP n] (* | item [, item]*) FROM (devices | devices.modules)
 *     [WHERE condition] [GROUP BY path [, path]*]
 *   item := (path | expression | COUNT() | SUM(e) | AVG(e) | MIN(e) | MAX(e)) [AS alias]
 *
 * Keywords are case-insensitive. Errors are {@link QueryError} (FH_QUERY_INVALID + position).
 */
import type { Condition, PathExpr, Query, QuerySource, SelectItem } from './ast.js';
import { ExpressionParser } from './expression-parser.js';
import { tokenize } from './lexer.js';
import { QueryError } from './query-error.js';

function parseSelectList(p: ExpressionParser): SelectItem[] {
  const items: SelectItem[] = [];
  let unnamed = 0;
  do {
    const pos = p.peek().pos;
    const expr = p.parseSelectExpression();
    let alias: string;
    if (p.acceptKeyword('AS')) {
      const a = p.next();
      if (a.kind !== 'ident') p.fail(a, `expected an alias after AS, found ${p.describe(a)}`);
      alias = a.text;
    } else if (expr.kind === 'path') {
      alias = expr.path[expr.path.length - 1] as string;
    } else {
      alias = `$${++unnamed}`;
    }
    if (items.some((it) => it.alias === alias)) throw new QueryError(pos, `duplicate column name "${alias}"`);
    items.push({ pos, expr, alias });
  } while (p.accept('punct', ','));
  return items;
}

function parseFrom(p: ExpressionParser): QuerySource {
  const t = p.peek();
  if (t.kind !== 'ident' || t.text.toLowerCase() !== 'devices') p.fail(t, `expected devices or devices.modules after FROM, found ${p.describe(t)}`);
  p.next();
  if (!p.accept('punct', '.')) return 'devices';
  const sub = p.next();
  const name = sub.text.toLowerCase();
  if (name === 'modules') return 'devices.modules';
  if (name === 'jobs') p.fail(sub, 'FROM devices.jobs is not supported');
  return p.fail(sub, `expected devices or devices.modules after FROM, found devices.${sub.text}`);
}

function samePath(a: PathExpr, b: PathExpr): boolean {
  return a.path.length === b.path.length && a.path.every((s, i) => s === b.path[i]);
}

/**
 * Parses a query such as `SELECT * FROM devices WHERE tags.location.region = 'US'`.
 * @throws QueryError (HubError FH_QUERY_INVALID) with `position`, the 0-based offset of the fault.
 */
export function parseQuery(sql: string): Query {
  const p = new ExpressionParser(tokenize(sql));
  p.expectKeyword('SELECT');
  const query: Query = { text: sql, select: '*', from: 'devices', aggregate: false };
  if (p.acceptKeyword('TOP')) {
    const n = p.next();
    if (n.kind !== 'number' || !Number.isSafeInteger(n.value) || (n.value as number) < 0) {
      p.fail(n, `expected a whole number after TOP, found ${p.describe(n)}`);
    }
    query.top = n.value as number;
  }
  if (!p.accept('op', '*')) query.select = parseSelectList(p);
  p.expectKeyword('FROM');
  query.from = parseFrom(p);
  if (p.acceptKeyword('WHERE')) query.where = p.parseExpression();
  const group = p.acceptKeyword('GROUP');
  if (group) {
    p.expectKeyword('BY');
    const paths: PathExpr[] = [];
    do paths.push(p.parsePath());
    while (p.accept('punct', ','));
    query.groupBy = paths;
  }
  p.expectEnd();

  const items = query.select === '*' ? [] : query.select;
  query.aggregate = query.groupBy !== undefined || items.some((it) => it.expr.kind === 'aggregate');
  if (query.aggregate) {
    if (query.select === '*') p.fail(group ?? p.peek(), 'SELECT * cannot be grouped: list the GROUP BY paths and aggregates');
    for (const it of items) {
      const { expr } = it;
      if (expr.kind === 'aggregate') continue;
      // Every plain column of an aggregate query must be a grouping key, as in SQL.
      if (expr.kind !== 'path' || !query.groupBy?.some((g) => samePath(g, expr))) {
        throw new QueryError(it.pos, `"${it.alias}" must be an aggregate or a GROUP BY path`);
      }
    }
  }
  return query;
}

/**
 * Parses a route condition (an expression with no SELECT), e.g.
 * `$body.temp > 30 AND STARTSWITH($connectionDeviceId, 'sensor-')`. Aggregates are not allowed.
 * @throws QueryError (HubError FH_QUERY_INVALID) with `position`.
 */
export function parseCondition(text: string): Condition {
  const p = new ExpressionParser(tokenize(text));
  const expr = p.parseExpression();
  p.expectEnd();
  return expr;
}
