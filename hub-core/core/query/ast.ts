/**
 * AST of the IoT Hub query language (Azure "IoT Hub query language" reference: SELECT, FROM,
 * WHERE, GROUP BY, expressions and conditions). Every node carries `pos`, the 0-based offset of its
 * first character in the query text, so errors and tools can point at it.
 */
import type { JsonValue } from '../types.js';

/** Binary operators. `<>` is parsed as `!=`. */
export type BinaryOp = 'AND' | 'OR' | '=' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

/** Aggregate functions, allowed only as a whole SELECT item. */
export type AggregateFn = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';

/** A constant: string, number, boolean, null, or `undefined` (the `undefined` keyword). */
export interface LiteralExpr { kind: 'literal'; pos: number; value: JsonValue | undefined }
/** A property path such as `properties.reported.temp`, `$body.x` or `tags['my-key']`. */
export interface PathExpr { kind: 'path'; pos: number; path: string[] }
/** An array constructor `[a, b]`. */
export interface ArrayExpr { kind: 'array'; pos: number; items: Expr[] }
export interface UnaryExpr { kind: 'unary'; pos: number; op: 'NOT' | '-' | '+'; operand: Expr }
export interface BinaryExpr { kind: 'binary'; pos: number; op: BinaryOp; left: Expr; right: Expr }
/** `x IN [..]`, or with `negated` `x NIN [..]` / `x NOT IN [..]`. */
export interface InExpr { kind: 'in'; pos: number; negated: boolean; operand: Expr; items: Expr[] }
/** A built-in function call; `name` is the canonical upper-case name (STARTS_WITH → STARTSWITH). */
export interface CallExpr { kind: 'call'; pos: number; name: string; args: Expr[] }
/** `COUNT()`, `SUM(x)`, ...: only as a SELECT item. */
export interface AggregateExpr { kind: 'aggregate'; pos: number; fn: AggregateFn; arg?: Expr }

/** Any expression. */
export type Expr = LiteralExpr | PathExpr | ArrayExpr | UnaryExpr | BinaryExpr | InExpr | CallExpr | AggregateExpr;

/** A condition is an expression; it holds when it evaluates to boolean `true`. */
export type Condition = Expr;

/** One projection of the SELECT list. */
export interface SelectItem {
  pos: number;
  expr: Expr;
  /** Output property name: the AS alias, else a path's last segment, else `$1`, `$2`, ... */
  alias: string;
}

/** The collections a query may read. */
export type QuerySource = 'devices' | 'devices.modules';

/** A parsed query. */
export interface Query {
  /** The query text as given. */
  text: string;
  /** `SELECT TOP n`: at most n items. */
  top?: number;
  /** `'*'` or the projection list. */
  select: '*' | SelectItem[];
  /** Which documents the caller must supply: device twins or module twins. */
  from: QuerySource;
  where?: Condition;
  groupBy?: PathExpr[];
  /** True when the SELECT list has aggregates or a GROUP BY is present. */
  aggregate: boolean;
}
