import { describe, expect, it } from 'vitest';
// The official SDK's token code, as a peer: CommonJS, so through its default export.
import common from 'azure-iot-common';
import { isHubError } from '../errors.js';
import {
  connectionString, deviceResourceUri, encodeUriComponentStrict, generateSasKey, parseConnectionString,
  parseResourceUri, parseSasToken, scopeCovers, signSas, verifySasSignature,
} from './sas.js';

const { SharedAccessSignature, encodeUriComponentStrict: sdkEncode } = common;
const KEY = Buffer.alloc(32, 7).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');
const SE = 1_900_000_000;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isHubError(err) ? err.code : `not a HubError: ${String(err)}`;
  }
  return undefined;
}

describe('encodeUriComponentStrict', () => {
  it('escapes what encodeURIComponent leaves, in uppercase hex', () => {
    expect(encodeUriComponentStrict("a!b'c(d)e*f")).toBe('a%21b%27c%28d%29e%2Af');
    expect(encodeUriComponentStrict('hub/devices/d 1')).toBe('hub%2Fdevices%2Fd%201');
  });
  it('matches the SDK except for the case of %2A (the SDK writes %2a)', () => {
    const s = "host/devices/-:.+%_#?!(),=@$'";
    expect(encodeUriComponentStrict(s)).toBe(sdkEncode(s));
    expect(sdkEncode('*')).toBe('%2a');
    expect(encodeUriComponentStrict('*')).toBe('%2A');
  });
});

describe('signSas against azure-iot-common', () => {
  it('device token: byte-identical to the SDK', () => {
    const uri = 'myhub.azure-devices.net/devices/dev1';
    const sdk = SharedAccessSignature.create(sdkEncode(uri), null as unknown as string, KEY, SE).toString();
    expect(signSas(uri, KEY, SE)).toBe(sdk);
    expect(sdk).toMatch(/^SharedAccessSignature sr=myhub\.azure-devices\.net%2Fdevices%2Fdev1&sig=[^&]+&se=1900000000$/);
  });
  it('policy token: byte-identical to the SDK, skn before se', () => {
    const sdk = SharedAccessSignature.create('myhub.azure-devices.net', 'iothubowner', KEY, SE).toString();
    const ours = signSas('myhub.azure-devices.net', KEY, SE, 'iothubowner');
    expect(ours).toBe(sdk);
    expect(ours).toMatch(/&skn=iothubowner&se=1900000000$/);
  });
  it('module token with odd id characters: same as the SDK', () => {
    const uri = "myhub/devices/a-b:c.d+e%f_g#h?i!j(k)l,m=n@o$p'q/modules/m.1";
    const sdk = SharedAccessSignature.create(sdkEncode(uri), null as unknown as string, KEY, SE).toString();
    expect(signSas(uri, KEY, SE)).toBe(sdk);
  });
  it('parses and verifies an SDK token (including the SDK\u2019s lowercase %2a)', () => {
    const uri = 'myhub.example/devices/star*dev/modules/m1';
    const sdk = SharedAccessSignature.create(sdkEncode(uri), null as unknown as string, KEY, SE).toString();
    const parsed = parseSasToken(sdk);
    expect(parsed.sr).toContain('%2a');
    expect(parsed.srDecoded).toBe(uri);
    expect(parsed.se).toBe(SE);
    expect(parsed.skn).toBeUndefined();
    expect(verifySasSignature(parsed, KEY)).toBe(true);
    expect(verifySasSignature(parsed, OTHER_KEY)).toBe(false);
    expect(parseResourceUri(parsed.srDecoded)).toEqual({
      host: 'myhub.example', path: '/devices/star*dev/modules/m1', deviceId: 'star*dev', moduleId: 'm1',
    });
  });
  it('the SDK parses our token back into the same fields', () => {
    const ours = signSas('myhub/devices/d1', KEY, SE, 'device');
    const sdk = SharedAccessSignature.parse(ours, ['sr', 'sig', 'se']) as unknown as Record<string, unknown>;
    expect(sdk.sr).toBe('myhub%2Fdevices%2Fd1');
    expect(sdk.skn).toBe('device');
    expect(String(sdk.se)).toBe(String(SE));
  });
});

describe('parseSasToken', () => {
  it('accepts fields in any order and decodes values', () => {
    const p = parseSasToken('SharedAccessSignature se=12&skn=my%20policy&sig=ab%2Bc%2F%3D&sr=hub%2Fdevices%2Fd%2B1');
    expect(p).toEqual({ sr: 'hub%2Fdevices%2Fd%2B1', srDecoded: 'hub/devices/d+1', sig: 'ab+c/=', se: 12, skn: 'my policy' });
  });
  it('keeps a raw + as + (not a space)', () => {
    expect(parseSasToken('SharedAccessSignature sr=h/devices/a+b&sig=x&se=1').srDecoded).toBe('h/devices/a+b');
  });
  it('ignores unknown fields and an empty skn', () => {
    const p = parseSasToken('SharedAccessSignature sr=h&sig=x&se=1&skn=&foo=bar');
    expect(p.skn).toBeUndefined();
    expect(p.sr).toBe('h');
  });
  it.each([
    ['no prefix', 'sr=h&sig=x&se=1'],
    ['wrong prefix', 'SharedAccessKey sr=h&sig=x&se=1'],
    ['no sr', 'SharedAccessSignature sig=x&se=1'],
    ['no sig', 'SharedAccessSignature sr=h&se=1'],
    ['no se', 'SharedAccessSignature sr=h&sig=x'],
    ['empty sr', 'SharedAccessSignature sr=&sig=x&se=1'],
    ['se not a number', 'SharedAccessSignature sr=h&sig=x&se=soon'],
    ['se with a fraction', 'SharedAccessSignature sr=h&sig=x&se=1.5'],
    ['se with a leading zero', 'SharedAccessSignature sr=h&sig=x&se=012'],
    ['repeated sr', 'SharedAccessSignature sr=h&sr=g&sig=x&se=1'],
    ['field without =', 'SharedAccessSignature sr=h&sig=x&se=1&junk'],
    ['bad percent-encoding', 'SharedAccessSignature sr=h%ZZ&sig=x&se=1'],
    ['empty', ''],
  ])('FH_AUTH_MALFORMED: %s', (_why, token) => {
    expect(codeOf(() => parseSasToken(token))).toBe('FH_AUTH_MALFORMED');
  });
});

describe('verifySasSignature', () => {
  it('verifies our own token and rejects a changed se, sr or key', () => {
    const token = signSas('hub/devices/d1', KEY, SE);
    const p = parseSasToken(token);
    expect(verifySasSignature(p, KEY)).toBe(true);
    expect(verifySasSignature({ ...p, se: SE + 1 }, KEY)).toBe(false);
    expect(verifySasSignature({ ...p, sr: 'hub%2Fdevices%2Fd2' }, KEY)).toBe(false);
    expect(verifySasSignature(p, OTHER_KEY)).toBe(false);
    expect(verifySasSignature({ ...p, sig: p.sig.slice(1) }, KEY)).toBe(false);
  });
  it('accepts a token whose client signed the lowercased sr but sent uppercase escapes', () => {
    const sentSr = 'hub%2Fdevices%2Fd1';
    const sig = createSig(sentSr.toLowerCase());
    const p = parseSasToken(`SharedAccessSignature sr=${sentSr}&sig=${encodeURIComponent(sig)}&se=${SE}`);
    expect(verifySasSignature(p, KEY)).toBe(true);
  });
  it('the retry does not help a signature over some other text', () => {
    const p = parseSasToken(`SharedAccessSignature sr=hub%2Fdevices%2Fd1&sig=${encodeURIComponent(createSig('other'))}&se=${SE}`);
    expect(verifySasSignature(p, KEY)).toBe(false);
  });
});

function createSig(sr: string): string {
  // Built with the SDK so the test does not reuse the code under test.
  const token = SharedAccessSignature.create(sr, null as unknown as string, KEY, SE).toString();
  return decodeURIComponent(/sig=([^&]+)/.exec(token)?.[1] ?? '');
}

describe('parseResourceUri', () => {
  it('device, module, policy and host-only URIs', () => {
    expect(parseResourceUri('MyHub.Example/devices/Dev1')).toEqual({ host: 'myhub.example', path: '/devices/Dev1', deviceId: 'Dev1' });
    expect(parseResourceUri('h/devices/d1/modules/$edgeAgent')).toEqual({
      host: 'h', path: '/devices/d1/modules/$edgeAgent', deviceId: 'd1', moduleId: '$edgeAgent',
    });
    expect(parseResourceUri('h/devices')).toEqual({ host: 'h', path: '/devices' });
    expect(parseResourceUri('h')).toEqual({ host: 'h', path: '' });
    expect(parseResourceUri('h/')).toEqual({ host: 'h', path: '' });
  });
  it('ids keep characters a URL parser would misread', () => {
    const r = parseResourceUri("h/devices/a?b#c%41d(e)*f!g,h=i@j$k'l");
    expect(r.deviceId).toBe("a?b#c%41d(e)*f!g,h=i@j$k'l");
  });
  it('no ids for other paths; tolerates a scheme', () => {
    expect(parseResourceUri('h/devices/d1/messages/events').deviceId).toBeUndefined();
    expect(parseResourceUri('h/devices/d1/modules').deviceId).toBeUndefined();
    expect(parseResourceUri('https://H/devices/d1')).toEqual({ host: 'h', path: '/devices/d1', deviceId: 'd1' });
  });
  it('FH_AUTH_MALFORMED on an empty host or segment', () => {
    expect(codeOf(() => parseResourceUri('/devices/d1'))).toBe('FH_AUTH_MALFORMED');
    expect(codeOf(() => parseResourceUri('h/devices//modules/m'))).toBe('FH_AUTH_MALFORMED');
  });
  it('deviceResourceUri round-trips', () => {
    expect(parseResourceUri(deviceResourceUri('h', 'd', 'm'))).toMatchObject({ deviceId: 'd', moduleId: 'm' });
    expect(deviceResourceUri('h', 'd')).toBe('h/devices/d');
  });
});

describe('scopeCovers', () => {
  it.each([
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/b/c', true],
    ['/a/b', '/a/bc', false],
    ['/a/b/c', '/a/b', false],
    ['', '/anything', true],
    ['/', '/anything', true],
    ['/devices', '/devices/d1/messages/events', true],
    ['/devices/d1', '/devices/D1', false],
    ['/devices/d1/', '/devices/d1', true],
  ])('%s covers %s: %s', (scope, resource, expected) => {
    expect(scopeCovers(scope, resource)).toBe(expected);
  });
});

describe('keys and connection strings', () => {
  it('generateSasKey: 32 random bytes in base64', () => {
    const a = generateSasKey();
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(a).toHaveLength(44);
    expect(generateSasKey()).not.toBe(a);
  });
  it('builds and parses, values may hold =', () => {
    const cs = connectionString({ HostName: 'h', DeviceId: 'd1', ModuleId: undefined, SharedAccessKey: KEY });
    expect(cs).toBe(`HostName=h;DeviceId=d1;SharedAccessKey=${KEY}`);
    expect(parseConnectionString(cs)).toEqual({ HostName: 'h', DeviceId: 'd1', SharedAccessKey: KEY });
    expect(parseConnectionString(' A=1;B==x=; ;')).toEqual({ A: '1', B: '=x=' });
  });
  it('parse agrees with azure-iot-common', () => {
    const cs = `HostName=hub.example;DeviceId=d1;SharedAccessKey=${KEY};GatewayHostName=gw:8883`;
    expect(parseConnectionString(cs)).toEqual({ ...common.ConnectionString.parse(cs) });
  });
  it('errors: FH_CONFIG_INVALID on parse, RangeError on build', () => {
    expect(codeOf(() => parseConnectionString('HostName=h;oops'))).toBe('FH_CONFIG_INVALID');
    expect(codeOf(() => parseConnectionString('=v'))).toBe('FH_CONFIG_INVALID');
    expect(() => connectionString({ A: 'x;y' })).toThrow(RangeError);
    expect(() => signSas('h', KEY, 1.5)).toThrow(RangeError);
  });
});
