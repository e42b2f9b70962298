import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findVcgencmd, parseThrottled, readThrottling } from './throttling.js';

const dir = resolve('test/.tmp/modules', `vcgencmd-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeVcgencmd(script: string): string {
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, 'vcgencmd');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('parseThrottled', () => {
  it('decodes the current and since-boot bits', () => {
    expect(parseThrottled('throttled=0x0\n')).toEqual({
      raw: '0x0', underVoltage: false, armFrequencyCapped: false, throttled: false, softTemperatureLimit: false,
      underVoltageOccurred: false, armFrequencyCappedOccurred: false, throttledOccurred: false, softTemperatureLimitOccurred: false,
    });
    // Under-voltage now and since boot, throttling since boot (a weak power supply).
    expect(parseThrottled('throttled=0x50005')).toMatchObject({
      raw: '0x50005', underVoltage: true, armFrequencyCapped: false, throttled: true, softTemperatureLimit: false,
      underVoltageOccurred: true, armFrequencyCappedOccurred: false, throttledOccurred: true, softTemperatureLimitOccurred: false,
    });
    expect(parseThrottled('throttled=0x8000a')).toMatchObject({ armFrequencyCapped: true, softTemperatureLimit: true, softTemperatureLimitOccurred: true });
  });

  it('returns undefined for other output', () => {
    expect(parseThrottled('VCHI initialization failed')).toBeUndefined();
    expect(parseThrottled('')).toBeUndefined();
  });
});

describe('vcgencmd', () => {
  it('is found on PATH and its answer parsed; failures give undefined', async () => {
    const file = fakeVcgencmd('[ "$1" = get_throttled ] && echo throttled=0x20002');
    expect(await findVcgencmd(dir)).toBe(file);
    expect(await readThrottling(file)).toMatchObject({ raw: '0x20002', armFrequencyCapped: true, armFrequencyCappedOccurred: true });
    const failing = fakeVcgencmd('echo "VCHI initialization failed" >&2; exit 255');
    expect(await readThrottling(failing)).toBeUndefined();
    expect(await readThrottling(undefined)).toBeUndefined();
  });
});
