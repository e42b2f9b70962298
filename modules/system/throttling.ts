/**
 * Raspberry Pi throttling, as the firmware reports it through `vcgencmd get_throttled`
 * (`throttled=0x50005`). Bits 0-3 are the current state, bits 16-19 what happened since boot
 * [RPi docs, "vcgencmd get_throttled"]. Boards without vcgencmd report `undefined`.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface Throttling {
  /** The firmware's bit field as printed, e.g. `0x50005`. */
  raw: string;
  underVoltage: boolean;
  armFrequencyCapped: boolean;
  throttled: boolean;
  softTemperatureLimit: boolean;
  underVoltageOccurred: boolean;
  armFrequencyCappedOccurred: boolean;
  throttledOccurred: boolean;
  softTemperatureLimitOccurred: boolean;
}

/** Parses `vcgencmd get_throttled` output; undefined when it is not in that form. */
export function parseThrottled(output: string): Throttling | undefined {
  const match = /throttled=(0x[0-9a-fA-F]+)/.exec(output);
  if (match === null) return undefined;
  const bits = parseInt(match[1]!, 16);
  const bit = (n: number): boolean => (bits & (1 << n)) !== 0;
  return {
    raw: match[1]!,
    underVoltage: bit(0),
    armFrequencyCapped: bit(1),
    throttled: bit(2),
    softTemperatureLimit: bit(3),
    underVoltageOccurred: bit(16),
    armFrequencyCappedOccurred: bit(17),
    throttledOccurred: bit(18),
    softTemperatureLimitOccurred: bit(19),
  };
}

/** The vcgencmd executable on PATH (or /usr/bin, /opt/vc/bin), or undefined. Looked up once at start. */
export async function findVcgencmd(path = process.env.PATH ?? ''): Promise<string | undefined> {
  const dirs = [...path.split(delimiter).filter((d) => d !== ''), '/usr/bin', '/opt/vc/bin'];
  for (const dir of new Set(dirs)) {
    const file = join(dir, 'vcgencmd');
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs `vcgencmd get_throttled` (one short process, 2 s bound); undefined on any failure. */
export function readThrottling(vcgencmd: string | undefined): Promise<Throttling | undefined> {
  if (vcgencmd === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(vcgencmd, ['get_throttled'], { timeout: 2000, windowsHide: true }, (err, stdout) => {
      resolve(err ? undefined : parseThrottled(String(stdout)));
    });
  });
}
