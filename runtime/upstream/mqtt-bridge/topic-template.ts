/**
 * MQTT topic templates with `{deviceId}`, `{moduleId}` and `{outputName}` placeholders, shared by
 * the MQTT sink and the plain MQTT bridge link: validation (at configuration time), rendering a
 * topic for a message, and, for the bridge's command topic, the subscription filter (`+` for each
 * placeholder) and the parse of a received topic back into its values.
 *
 * Values are escaped so they always stay one topic level and never act as wildcards: `%`, `/`, `+`,
 * `#` and NUL become `%25`, `%2F`, `%2B`, `%23`, `%00` (IoT Hub ids may contain `%`, `+` and `#`).
 * A placeholder without a value (`{moduleId}` for a device's own message, `{outputName}` for a
 * message sent on no output) renders as the empty string.
 */
import { RuntimeError } from '../../errors.js';

export type Placeholder = 'deviceId' | 'moduleId' | 'outputName';
export type TopicValues = Partial<Record<Placeholder, string>>;

type Part = { literal: string } | { placeholder: Placeholder };

const PLACEHOLDERS: ReadonlySet<string> = new Set<Placeholder>(['deviceId', 'moduleId', 'outputName']);
const ESCAPES: Record<string, string> = { '%': '%25', '/': '%2F', '+': '%2B', '#': '%23', '\u0000': '%00' };

/** Escapes a value so it stays inside one topic level (see the file comment). */
export function escapeLevel(value: string): string {
  return value.replace(/[%/+#\u0000]/g, (c) => ESCAPES[c] ?? c);
}

/** Reverses {@link escapeLevel}; undefined when the level holds a malformed escape. */
export function unescapeLevel(level: string): string | undefined {
  try {
    return decodeURIComponent(level);
  } catch {
    return undefined;
  }
}

export class TopicTemplate {
  private constructor(readonly source: string, private readonly parts: readonly Part[]) {}

  /**
   * Parses `template`; `allowed` are the placeholders it may use. Throws FH_CONFIG_INVALID naming
   * `what` (the option's path) when the template is empty, holds a wildcard or NUL, or an unknown
   * or unclosed placeholder.
   */
  static parse(template: string, what: string, allowed: readonly Placeholder[] = ['deviceId', 'moduleId', 'outputName']): TopicTemplate {
    const fail = (why: string): never => {
      throw new RuntimeError('FH_CONFIG_INVALID', `${what}: topic template ${JSON.stringify(template)} ${why}`);
    };
    if (typeof template !== 'string' || template.length === 0) fail('is empty');
    if (Buffer.byteLength(template) > 65_535) fail('is longer than an MQTT topic may be');
    const parts: Part[] = [];
    let rest = template;
    while (rest.length > 0) {
      const open = rest.indexOf('{');
      const literal = open < 0 ? rest : rest.slice(0, open);
      if (/[+#\u0000]/.test(literal)) fail('contains a wildcard (+ or #) or NUL; a topic to publish to cannot');
      if (literal.includes('}')) fail('has a } without its {');
      if (literal.length > 0) parts.push({ literal });
      if (open < 0) break;
      const close = rest.indexOf('}', open);
      if (close < 0) fail('has an unclosed {');
      const name = rest.slice(open + 1, close);
      if (!PLACEHOLDERS.has(name)) fail(`has an unknown placeholder {${name}} (known: {deviceId}, {moduleId}, {outputName})`);
      if (!allowed.includes(name as Placeholder)) fail(`may not use {${name}} here (allowed: ${allowed.map((a) => `{${a}}`).join(', ')})`);
      parts.push({ placeholder: name as Placeholder });
      rest = rest.slice(close + 1);
    }
    return new TopicTemplate(template, parts);
  }

  /** The placeholders the template uses. */
  get placeholders(): Placeholder[] {
    return this.parts.flatMap((p) => ('placeholder' in p ? [p.placeholder] : []));
  }

  /** The topic for `values` (escaped; a missing value renders as ''). */
  render(values: TopicValues): string {
    let out = '';
    for (const p of this.parts) out += 'literal' in p ? p.literal : escapeLevel(values[p.placeholder] ?? '');
    return out;
  }

  /**
   * The subscription filter: each placeholder becomes `+`. Throws FH_CONFIG_INVALID (naming
   * `what`) when a placeholder does not fill a whole topic level, since `+` can only match one.
   */
  filter(what: string): string {
    const levels = this.source.split('/');
    for (const level of levels) {
      if (level.includes('{') && !/^\{[a-zA-Z]+\}$/.test(level)) {
        throw new RuntimeError('FH_CONFIG_INVALID',
          `${what}: topic template ${JSON.stringify(this.source)}: a placeholder must fill a whole topic level to be subscribed to (level ${JSON.stringify(level)})`);
      }
    }
    return levels.map((level) => (level.startsWith('{') ? '+' : level)).join('/');
  }

  /** The placeholder values of a received `topic`, or undefined when it does not fit the template. */
  match(topic: string): TopicValues | undefined {
    const levels = topic.split('/');
    const shape = this.source.split('/');
    if (levels.length !== shape.length) return undefined;
    const values: TopicValues = {};
    for (let i = 0; i < shape.length; i++) {
      const want = shape[i]!;
      const got = levels[i]!;
      const m = /^\{([a-zA-Z]+)\}$/.exec(want);
      if (m === null) {
        if (want !== got) return undefined;
        continue;
      }
      const value = unescapeLevel(got);
      if (value === undefined) return undefined;
      values[m[1] as Placeholder] = value;
    }
    return values;
  }
}
