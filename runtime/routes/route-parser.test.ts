import { describe, expect, it } from 'vitest';
import { isRuntimeError } from '../errors.js';
import { RouteError } from './route-error.js';
import { parseRoute, sinkKey, type ParsedRoute } from './route-parser.js';

/** The error parseRoute throws for `text` (fails the test when it does not throw). */
function errorOf(text: string, name = 'r1'): RouteError {
  try {
    parseRoute(name, text);
  } catch (err) {
    expect(err).toBeInstanceOf(RouteError);
    return err as RouteError;
  }
  throw new Error(`parseRoute accepted ${JSON.stringify(text)}`);
}

/** 1-based column of the `nth` occurrence of `needle` in `text`. */
function col(text: string, needle: string, nth = 1): number {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${needle} not in ${text}`);
  }
  return at + 1;
}

describe('parseRoute: sources', () => {
  const cases: [string, ParsedRoute['source']][] = [
    ['/*', { kind: 'all' }],
    ['/messages/*', { kind: 'all' }],
    ['/messages/devices/*', { kind: 'devices' }],
    ['/messages/modules/*', { kind: 'modules' }],
    ['/messages/modules/modbus/*', { kind: 'module', moduleId: 'modbus' }],
    ['/messages/modules/modbus/outputs/*', { kind: 'moduleOutputs', moduleId: 'modbus' }],
    ['/messages/modules/modbus/outputs/temperature', { kind: 'moduleOutput', moduleId: 'modbus', outputName: 'temperature' }],
    ['/Messages/Modules/m-1.x/Outputs/out1', { kind: 'moduleOutput', moduleId: 'm-1.x', outputName: 'out1' }],
  ];
  for (const [path, source] of cases) {
    it(`parses FROM ${path}`, () => {
      const r = parseRoute('r', `FROM ${path} INTO $upstream`);
      expect(r.source).toEqual(source);
      expect(r.sink).toEqual({ kind: 'upstream' });
      expect(r.condition).toBeUndefined();
    });
  }
});

describe('parseRoute: sinks and keywords', () => {
  it('parses the three sink kinds', () => {
    expect(parseRoute('a', 'FROM /* INTO $upstream').sink).toEqual({ kind: 'upstream' });
    expect(parseRoute('b', 'FROM /* INTO BrokeredEndpoint("/modules/filter/inputs/input1")').sink)
      .toEqual({ kind: 'moduleInput', moduleId: 'filter', inputName: 'input1' });
    expect(parseRoute('c', 'FROM /* INTO Sink("archive")').sink).toEqual({ kind: 'sink', name: 'archive' });
  });

  it('takes keywords, $upstream and sink functions in any case, single quotes and extra whitespace', () => {
    const r = parseRoute('r', "  select * from /messages/modules/m/* where $connectionModuleId = 'm'\n  into brokeredendpoint ( '/modules/n/inputs/in' )  ");
    expect(r.source).toEqual({ kind: 'module', moduleId: 'm' });
    expect(r.condition?.text.trim()).toBe("$connectionModuleId = 'm'");
    expect(r.sink).toEqual({ kind: 'moduleInput', moduleId: 'n', inputName: 'in' });
    expect(parseRoute('u', 'From /* Into $UPSTREAM').sink).toEqual({ kind: 'upstream' });
    expect(parseRoute('s', 'FROM /* INTO sink("a\\"b")').sink).toEqual({ kind: 'sink', name: 'a"b' });
  });

  it('ends the condition at the last INTO outside strings', () => {
    const r = parseRoute('r', "FROM /* WHERE into = 'goes INTO here' AND $body.into = 1 INTO $upstream");
    expect(r.condition?.text).toBe(" into = 'goes INTO here' AND $body.into = 1 ");
    expect(r.sink).toEqual({ kind: 'upstream' });
  });

  it('keeps the text, the name and the sink column', () => {
    const text = 'FROM /messages/* WHERE a = \'1\' INTO Sink("f")';
    const r = parseRoute('mine', text);
    expect(r.name).toBe('mine');
    expect(r.text).toBe(text);
    expect(r.sinkColumn).toBe(col(text, 'Sink'));
  });

  it('reads $ names with dashes (wire spellings) as one name', () => {
    const r = parseRoute('r', "FROM /* WHERE $iothub-connection-device-id = 'd1' AND $dt-subject = 'c' INTO $upstream");
    expect(r.condition).toBeDefined();
  });

  it('gives readable sink keys', () => {
    expect(sinkKey({ kind: 'upstream' })).toBe('$upstream');
    expect(sinkKey({ kind: 'moduleInput', moduleId: 'm', inputName: 'i' })).toBe('BrokeredEndpoint("/modules/m/inputs/i")');
    expect(sinkKey({ kind: 'sink', name: 'x' })).toBe('Sink("x")');
  });
});

describe('parseRoute: errors name the route and the column', () => {
  it('raises FH_ROUTE_INVALID with the route name', () => {
    const err = errorOf('FROM /nope INTO $upstream', 'myRoute');
    expect(isRuntimeError(err, 'FH_ROUTE_INVALID')).toBe(true);
    expect(err.routeName).toBe('myRoute');
    expect(err.message).toContain('myRoute');
    expect(err.message).toContain(`column ${err.column}`);
  });

  const bad: [string, string, (t: string) => number][] = [
    ['empty', '   ', () => 4],
    ['no FROM', 'FORM /* INTO $upstream', () => 1],
    ['SELECT without *', 'SELECT FROM /* INTO $upstream', (t) => col(t, 'FROM')],
    ['missing source', 'FROM', (t) => t.length + 1],
    ['bad first segment', 'FROM /message/* INTO $upstream', (t) => col(t, 'message')],
    ['bad second segment', 'FROM /messages/events INTO $upstream', (t) => col(t, 'events')],
    ['devices without *', 'FROM /messages/devices/d1 INTO $upstream', (t) => col(t, 'd1')],
    ['outputs without a name', 'FROM /messages/modules/m/outputs INTO $upstream', (t) => col(t, ' INTO')],
    ['module segment not * or outputs', 'FROM /messages/modules/m/inputs/x INTO $upstream', (t) => col(t, 'inputs')],
    ['extra segment', 'FROM /messages/modules/m/outputs/o/x INTO $upstream', (t) => col(t, '/x') + 1],
    ['bad module id', 'FROM /messages/modules/a{b}/* INTO $upstream', (t) => col(t, 'a{b}')],
    ['no WHERE or INTO', 'FROM /* TO $upstream', (t) => col(t, 'TO')],
    ['nothing after the source', 'FROM /*', (t) => t.length + 1],
    ['empty WHERE', 'FROM /* WHERE INTO $upstream', (t) => col(t, 'WHERE')],
    ['WHERE without INTO', "FROM /* WHERE a = '1'", (t) => t.length + 1],
    ['condition ends early', 'FROM /* WHERE $body.x > INTO $upstream', (t) => col(t, 'INTO')],
    ['two operators', 'FROM /* WHERE a = = 1 INTO $upstream', (t) => col(t, '=', 2)],
    ['unterminated string', "FROM /* WHERE a = 'x INTO $upstream", (t) => col(t, "'")],
    ['unknown function', 'FROM /* WHERE NOSUCH(a) INTO $upstream', (t) => col(t, 'NOSUCH')],
    ['bad character', 'FROM /* WHERE a # 1 INTO $upstream', (t) => col(t, '#')],
    ['$twin', "FROM /* WHERE $twin.tags.x = 'y' INTO $upstream", (t) => col(t, '$twin')],
    ['unknown system sink', 'FROM /* INTO $downstream', (t) => col(t, '$downstream')],
    ['unknown sink function', 'FROM /* INTO Endpoint("x")', (t) => col(t, 'Endpoint')],
    ['missing sink', 'FROM /* INTO ', (t) => t.length + 1],
    ['sink without (', 'FROM /* INTO Sink "x"', (t) => col(t, '"x"')],
    ['sink argument not quoted', 'FROM /* INTO Sink(x)', (t) => col(t, 'x)')],
    ['sink without )', 'FROM /* INTO Sink("x"', (t) => t.length + 1],
    ['unterminated sink string', 'FROM /* INTO Sink("x', (t) => col(t, '"')],
    ['empty sink name', 'FROM /* INTO Sink("")', (t) => col(t, '""') + 1],
    ['bad endpoint shape', 'FROM /* INTO BrokeredEndpoint("/modules/m/outputs/o")', (t) => col(t, '/modules')],
    ['bad endpoint module', 'FROM /* INTO BrokeredEndpoint("/modules/a b/inputs/i")', (t) => col(t, 'a b')],
    ['empty input name', 'FROM /* INTO BrokeredEndpoint("/modules/m/inputs/")', (t) => col(t, '")')],
    ['text after the sink', 'FROM /* INTO $upstream now', (t) => col(t, 'now')],
  ];
  for (const [what, text, expected] of bad) {
    it(`${what}: ${JSON.stringify(text)}`, () => {
      const err = errorOf(text);
      expect(err.code).toBe('FH_ROUTE_INVALID');
      expect(err.column).toBe(expected(text));
    });
  }

  it('translates a WHERE error position across a multi-line route', () => {
    const text = "FROM /messages/*\n  WHERE $body.temp > 30 AND\n    STARTS_WITH($connectionDeviceId, 'x') = = 1\n  INTO $upstream";
    expect(errorOf(text).column).toBe(col(text, '=', 2));
  });

  it('shows dashed names with their dashes in error messages', () => {
    const err = errorOf('FROM /* WHERE $dt-subject $dt-subject INTO $upstream');
    expect(err.message).toContain('$dt-subject');
    expect(err.message).not.toContain('\u01c2');
  });

  it('refuses a non-string route', () => {
    expect(errorOf(42 as unknown as string).column).toBe(1);
  });
});
