/**
 * The IoT Hub query language: twin queries (`SELECT … FROM devices[.modules] WHERE … GROUP BY …`)
 * and route conditions. Pure: the query service supplies documents; routing supplies a resolver.
 *
 * ```ts
 * const q = parseQuery("SELECT * FROM devices WHERE tags.location.region = 'US'");
 * const { items, itemType } = runQuery(q, twins);          // q.from says which documents
 * const cond = parseCondition('$body.temp > 30');           // once, when the route is loaded
 * evaluateCondition(cond, (path) => lookUp(message, path)); // per message
 * ```
 */
export type {
  AggregateExpr, AggregateFn, ArrayExpr, BinaryExpr, BinaryOp, CallExpr, Condition, Expr, InExpr,
  LiteralExpr, PathExpr, Query, QuerySource, SelectItem, UnaryExpr,
} from './ast.js';
export { QueryError } from './query-error.js';
export { tokenize, type Token, type TokenKind } from './lexer.js';
export { parseCondition, parseQuery } from './parser.js';
export { compareValues, evaluateCondition, evaluateExpression, type PathResolver } from './evaluate.js';
export { runQuery, twinResolver, type QueryRunResult } from './run-query.js';
export { FUNCTIONS, type BuiltinFunction } from './functions.js';
