/**
 * Recursive-descent parser of query expressions, lowest precedence first:
 * OR < AND < NOT < comparison (= != <> < > <= >= IN NIN NOT IN) < + - < * / % < unary - + < primary.
 * Comparisons do not chain (`a = b = c` is an error), as in SQL.
 */
import type { AggregateExpr, AggregateFn, BinaryOp, Expr, PathExpr } from './ast.js';
import { AGGREGATES, FUNCTIONS, FUNCTION_ALIASES } from './functions.js';
import type { Token } from './lexer.js';
import { QueryError } from './query-error.js';

const COMPARISONS: ReadonlySet<string> = new Set(['=', '!=', '<', '>', '<=', '>=']);
/** Nesting limit (parentheses, NOT, unary signs, arrays): a hostile query must not blow the stack. */
const MAX_NESTING = 128;

/** A cursor over tokens with the expression grammar; the query clauses are in parser.ts. */
export class ExpressionParser {
  private i = 0;
  private nesting = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  fail(token: Token, message: string): never {
    throw new QueryError(token.pos, message);
  }

  /** How a token reads in an error message. */
  describe(token: Token): string {
    return token.kind === 'eof' ? 'the end of the query' : `"${token.text}"`;
  }

  atKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'keyword' && t.value === word;
  }

  acceptKeyword(word: string): Token | undefined {
    return this.atKeyword(word) ? this.next() : undefined;
  }

  expectKeyword(word: string): Token {
    return this.acceptKeyword(word) ?? this.fail(this.peek(), `expected ${word}, found ${this.describe(this.peek())}`);
  }

  at(kind: 'op' | 'punct', text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === kind && t.value === text;
  }

  accept(kind: 'op' | 'punct', text: string): Token | undefined {
    return this.at(kind, text) ? this.next() : undefined;
  }

  expect(kind: 'op' | 'punct', text: string): Token {
    return this.accept(kind, text) ?? this.fail(this.peek(), `expected "${text}", found ${this.describe(this.peek())}`);
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(t, `unexpected ${this.describe(t)}`);
  }

  private enter(token: Token): void {
    if (++this.nesting > MAX_NESTING) this.fail(token, `expression nested deeper than ${MAX_NESTING} levels`);
  }

  /** Parses a full expression (a condition is an expression). */
  parseExpression(): Expr {
    let left = this.parseAnd();
    while (this.acceptKeyword('OR')) left = { kind: 'binary', pos: left.pos, op: 'OR', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.acceptKeyword('AND')) left = { kind: 'binary', pos: left.pos, op: 'AND', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): Expr {
    const not = this.acceptKeyword('NOT');
    if (!not) return this.parseComparison();
    this.enter(not);
    const operand = this.parseNot();
    this.nesting--;
    return { kind: 'unary', pos: not.pos, op: 'NOT', operand };
  }

  private parseComparison(): Expr {
    const left = this.parseAdditive();
    const t = this.peek();
    if (t.kind === 'op' && COMPARISONS.has(t.value as string)) {
      this.next();
      return { kind: 'binary', pos: left.pos, op: t.value as BinaryOp, left, right: this.parseAdditive() };
    }
    if (this.atKeyword('IN') || this.atKeyword('NIN') || (this.atKeyword('NOT') && this.atKeyword('IN', 1))) {
      const negated = !this.atKeyword('IN');
      if (this.acceptKeyword('NOT')) this.next(); // NOT IN: skip both words
      else this.next(); // IN or NIN
      return { kind: 'in', pos: left.pos, negated, operand: left, items: this.parseList() };
    }
    return left;
  }

  /** `[a, b]` or `(a, b)`, possibly empty. */
  private parseList(): Expr[] {
    const open = this.peek();
    const close = open.value === '[' ? ']' : open.value === '(' ? ')' : undefined;
    if (open.kind !== 'punct' || close === undefined) this.fail(open, `expected a list in [ ], found ${this.describe(open)}`);
    this.next();
    this.enter(open);
    const items: Expr[] = [];
    if (!this.accept('punct', close)) {
      do items.push(this.parseExpression());
      while (this.accept('punct', ','));
      this.expect('punct', close);
    }
    this.nesting--;
    return items;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.at('op', '+') || this.at('op', '-')) {
      const op = this.next().value as BinaryOp;
      left = { kind: 'binary', pos: left.pos, op, left, right: this.parseMultiplicative() };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    while (this.at('op', '*') || this.at('op', '/') || this.at('op', '%')) {
      const op = this.next().value as BinaryOp;
      left = { kind: 'binary', pos: left.pos, op, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expr {
    const sign = this.accept('op', '-') ?? this.accept('op', '+');
    if (!sign) return this.parsePrimary();
    this.enter(sign);
    const operand = this.parseUnary();
    this.nesting--;
    // Fold `-3` into a constant so lists like IN [-1, 2] hold plain literals.
    if (operand.kind === 'literal' && typeof operand.value === 'number') {
      return { kind: 'literal', pos: sign.pos, value: sign.value === '-' ? -operand.value : operand.value };
    }
    return { kind: 'unary', pos: sign.pos, op: sign.value as '-' | '+', operand };
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (t.kind === 'number' || t.kind === 'string') {
      this.next();
      return { kind: 'literal', pos: t.pos, value: t.value };
    }
    if (t.kind === 'keyword') {
      const constants: Record<string, boolean | null | undefined> = { TRUE: true, FALSE: false, NULL: null, UNDEFINED: undefined };
      if (!Object.prototype.hasOwnProperty.call(constants, t.value)) this.fail(t, `expected an expression, found ${this.describe(t)}`);
      this.next();
      return { kind: 'literal', pos: t.pos, value: constants[t.value as string] };
    }
    if (t.kind === 'punct' && t.value === '(') {
      this.next();
      this.enter(t);
      const inner = this.parseExpression();
      this.expect('punct', ')');
      this.nesting--;
      return inner;
    }
    if (t.kind === 'punct' && t.value === '[') return { kind: 'array', pos: t.pos, items: this.parseList() };
    if (t.kind === 'ident') return this.at('punct', '(', 1) ? this.parseCall() : this.parsePath();
    return this.fail(t, `expected an expression, found ${this.describe(t)}`);
  }

  private parseCall(): Expr {
    const nameTok = this.next();
    const upper = (nameTok.value as string).toUpperCase();
    if (AGGREGATES.has(upper)) this.fail(nameTok, `${upper}() is allowed only as a SELECT item`);
    const name = FUNCTION_ALIASES.get(upper) ?? upper;
    const fn = FUNCTIONS.get(name);
    if (!fn) this.fail(nameTok, `unknown function ${nameTok.text}`);
    const args = this.parseList();
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      const want = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : fn.maxArgs === Infinity ? `at least ${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
      this.fail(nameTok, `${name} takes ${want} argument(s), got ${args.length}`);
    }
    return { kind: 'call', pos: nameTok.pos, name, args };
  }

  /** `a.b.c`, `a['b-c']`, `a[0]`; a keyword after a dot is a plain name (`tags.in`). */
  parsePath(): PathExpr {
    const first = this.peek();
    if (first.kind !== 'ident') this.fail(first, `expected a property name, found ${this.describe(first)}`);
    this.next();
    const path = [first.text];
    for (;;) {
      if (this.accept('punct', '.')) {
        const seg = this.peek();
        if (seg.kind !== 'ident' && seg.kind !== 'keyword') this.fail(seg, `expected a property name after ".", found ${this.describe(seg)}`);
        path.push(this.next().text);
      } else if (this.at('punct', '[')) {
        this.next();
        const seg = this.next();
        const ok = seg.kind === 'string' || (seg.kind === 'number' && Number.isSafeInteger(seg.value) && (seg.value as number) >= 0);
        if (!ok) this.fail(seg, `expected a quoted name or an index in [ ], found ${this.describe(seg)}`);
        path.push(String(seg.value));
        this.expect('punct', ']');
      } else {
        return { kind: 'path', pos: first.pos, path };
      }
    }
  }

  /** A SELECT item's expression: an aggregate, or any expression. */
  parseSelectExpression(): Expr {
    const t = this.peek();
    const upper = t.kind === 'ident' ? (t.value as string).toUpperCase() : '';
    if (!AGGREGATES.has(upper) || !this.at('punct', '(', 1)) return this.parseExpression();
    this.next();
    this.next();
    const agg: AggregateExpr = { kind: 'aggregate', pos: t.pos, fn: upper as AggregateFn };
    if (!this.accept('punct', ')')) {
      agg.arg = this.parseExpression();
      this.expect('punct', ')');
    }
    if (agg.fn !== 'COUNT' && agg.arg === undefined) this.fail(t, `${agg.fn} takes one argument`);
    return agg;
  }
}
