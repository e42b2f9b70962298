import { describe, expect, it } from 'vitest';
import { isRuntimeError } from '../../errors.js';
import { escapeLevel, TopicTemplate, unescapeLevel } from './topic-template.js';

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isRuntimeError(err, 'FH_CONFIG_INVALID')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected FH_CONFIG_INVALID');
}

describe('TopicTemplate', () => {
  it('renders every placeholder, a missing value as the empty string', () => {
    const t = TopicTemplate.parse('site/{deviceId}/{moduleId}/out-{outputName}', 'x');
    expect(t.render({ deviceId: 'dev1', moduleId: 'mod', outputName: 'temp' })).toBe('site/dev1/mod/out-temp');
    expect(t.render({ deviceId: 'dev1' })).toBe('site/dev1//out-');
    expect(t.placeholders).toEqual(['deviceId', 'moduleId', 'outputName']);
  });

  it('escapes values so they stay one level and never act as wildcards', () => {
    const t = TopicTemplate.parse('fieldhub/{deviceId}/messages', 'x');
    expect(t.render({ deviceId: 'a/b+c#d%e' })).toBe('fieldhub/a%2Fb%2Bc%23d%25e/messages');
    expect(unescapeLevel(escapeLevel('a/b+c#d%e:$@'))).toBe('a/b+c#d%e:$@');
    expect(unescapeLevel('%zz')).toBeUndefined();
  });

  it('refuses wildcards, unknown or unclosed placeholders, and empty templates, naming the option', () => {
    expect(configError(() => TopicTemplate.parse('a/+/b', 'sinks.s1.topic'))).toMatch(/^sinks\.s1\.topic: .*wildcard/);
    expect(configError(() => TopicTemplate.parse('a/#', 'x'))).toMatch(/wildcard/);
    expect(configError(() => TopicTemplate.parse('a/{device}', 'x'))).toMatch(/unknown placeholder \{device\}/);
    expect(configError(() => TopicTemplate.parse('a/{deviceId', 'x'))).toMatch(/unclosed/);
    expect(configError(() => TopicTemplate.parse('a/deviceId}', 'x'))).toMatch(/without its/);
    expect(configError(() => TopicTemplate.parse('', 'x'))).toMatch(/empty/);
    expect(configError(() => TopicTemplate.parse('c/{outputName}', 'x', ['deviceId', 'moduleId']))).toMatch(/may not use \{outputName\}/);
  });

  it('gives a subscription filter and parses received topics back (unescaped)', () => {
    const t = TopicTemplate.parse('fieldhub/{deviceId}/{moduleId}/commands', 'x');
    expect(t.filter('x')).toBe('fieldhub/+/+/commands');
    expect(t.match('fieldhub/dev%2F1/m1/commands')).toEqual({ deviceId: 'dev/1', moduleId: 'm1' });
    expect(t.match('fieldhub/dev1/m1/other')).toBeUndefined();
    expect(t.match('fieldhub/dev1/commands')).toBeUndefined();
    expect(t.match('fieldhub/%zz/m1/commands')).toBeUndefined();
  });

  it('refuses a subscription filter when a placeholder shares its level', () => {
    const t = TopicTemplate.parse('cmd/dev-{deviceId}', 'x');
    expect(configError(() => t.filter('upstream.topics.commands'))).toMatch(/whole topic level/);
  });
});
