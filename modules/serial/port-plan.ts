/**
 * From the validated config to what each port runs, checking what the schema cannot: unique port
 * names, paths and device ids, profiles that load and are for protocol serial, the effective
 * line settings, framing and parser (the port's, else the profiles' hints, which must then
 * agree), a regex whose named groups cover every point's field, NMEA sentence filters that keep
 * every point's sentence, and `appendDelimiter` only with delimiter framing. Every problem is
 * FH_CONFIG_INVALID with the JSON path of the config value at fault.
 */
import { loadProfile } from '../../devices/loader.js';
import type { SerialDefaults, SerialProfile } from '../../devices/profile.js';
import { RuntimeError } from '../../runtime/errors.js';
import type { Clock } from './clock.js';
import type { DeviceConfig, ParserConfig, PortConfig, SerialConfig } from './config.js';
import { createFramer, delimiterOf } from './framing/create-framer.js';
import { createParser, effectiveParser } from './parsing/create-parser.js';
import type { FrameParser } from './parsing/parser.js';
import { namedGroups } from './parsing/regex-parser.js';
import type { LineSettings } from './serial-link.js';

export interface DevicePlan {
  readonly config: DeviceConfig;
  readonly profile: SerialProfile;
}

export interface PortPlan {
  readonly config: PortConfig;
  readonly settings: LineSettings;
  readonly devices: readonly DevicePlan[];
  readonly parserConfig: ParserConfig;
  readonly parser: FrameParser;
  /** Delimiter for delimiter framing without one of its own (the profiles' hint). */
  readonly fallbackDelimiter: string | undefined;
  /** The port's delimiter bytes (undefined without delimiter framing). */
  readonly delimiter: Buffer | undefined;
}

const DEFAULT_BAUD_RATE = 9600;

const invalid = (path: string, message: string, cause?: unknown): RuntimeError =>
  new RuntimeError('FH_CONFIG_INVALID', `${path}: ${message}`, { problems: [`${path}: ${message}`], ...(cause !== undefined ? { cause } : {}) });

/** The devices of a port, whichever form the config uses, with the JSON path of each. */
function portDevices(port: PortConfig, at: string): { config: DeviceConfig; at: string }[] {
  if (port.devices !== undefined) return port.devices.map((d, j) => ({ config: d, at: `${at}/devices/${j}` }));
  const single: DeviceConfig = { deviceId: port.deviceId!, profile: port.profile!, ...(port.pollIntervalS !== undefined ? { pollIntervalS: port.pollIntervalS } : {}) };
  return [{ config: single, at }];
}

/** The one value every profile agrees on for a hint, undefined when none gives it. */
function agreed<K extends keyof SerialDefaults>(profiles: readonly SerialProfile[], key: K, path: string): SerialDefaults[K] | undefined {
  const values = [...new Set(profiles.map((p) => p.defaults.serial[key]).filter((v) => v !== undefined))];
  if (values.length > 1) throw invalid(path, `the profiles on this port disagree on ${key} (${values.map((v) => JSON.stringify(v)).join(', ')}); set it on the port`);
  return values[0];
}

function checkFields(plan: { parserConfig: ParserConfig }, devices: readonly { profile: SerialProfile; at: string }[]): void {
  const pc = plan.parserConfig;
  for (const { profile, at } of devices) {
    for (const point of profile.points) {
      if (pc.kind === 'regex' && pc.pattern !== undefined && !namedGroups(pc.pattern).includes(point.serial.field)) {
        throw invalid(`${at}/profile`, `point ${point.name} of ${profile.id} reads field ${point.serial.field}, which is not a named group of the regex`);
      }
      if (pc.kind === 'nmea' && pc.sentences !== undefined && point.serial.sentence !== undefined && !pc.sentences.includes(point.serial.sentence)) {
        throw invalid(`${at}/profile`, `point ${point.name} of ${profile.id} reads ${point.serial.sentence} sentences, which parser.sentences leaves out`);
      }
    }
  }
}

/** Plans every port; throws FH_CONFIG_INVALID on the first problem. */
export function planPorts(config: SerialConfig, clock: Clock): PortPlan[] {
  const names = new Set<string>();
  const paths = new Set<string>();
  const deviceIds = new Set<string>();
  const profiles = new Map<string, SerialProfile>();
  return config.ports.map((port, i) => {
    const at = `/ports/${i}`;
    if (names.has(port.name)) throw invalid(`${at}/name`, `port ${port.name} is configured twice`);
    names.add(port.name);
    if (paths.has(port.path)) throw invalid(`${at}/path`, `${port.path} is used by another port (a serial device opens once)`);
    paths.add(port.path);
    const devices = portDevices(port, at).map(({ config: d, at: dat }) => {
      if (deviceIds.has(d.deviceId)) throw invalid(`${dat}/deviceId`, `${d.deviceId} is configured twice`);
      deviceIds.add(d.deviceId);
      let profile = profiles.get(d.profile);
      if (profile === undefined) {
        let loaded;
        try {
          loaded = loadProfile(d.profile, { dirs: config.profileDirs });
        } catch (err) {
          throw invalid(`${dat}/profile`, (err as Error).message, err);
        }
        if (loaded.protocol !== 'serial') throw invalid(`${dat}/profile`, `profile ${loaded.id} is for ${loaded.protocol}, not serial`);
        profile = loaded;
        profiles.set(d.profile, profile);
      }
      return { config: d, profile, at: dat };
    });
    const all = devices.map((d) => d.profile);
    const parserHint = port.parser === undefined ? agreed(all, 'parser', `${at}/parser`) : undefined;
    // The profiles' patterns matter only to a regex parser without its own.
    const needsPattern = port.parser === undefined ? parserHint === 'regex' : port.parser.kind === 'regex' && port.parser.pattern === undefined;
    const patternHint = needsPattern ? agreed(all, 'pattern', `${at}/parser`) : undefined;
    const hint: SerialDefaults = { ...(parserHint !== undefined ? { parser: parserHint } : {}), ...(patternHint !== undefined ? { pattern: patternHint } : {}) };
    const parserConfig = effectiveParser(port.parser, hint);
    let parser: FrameParser;
    try {
      parser = createParser(parserConfig);
    } catch (err) {
      throw invalid(`${at}/parser`, (err as Error).message, err);
    }
    checkFields({ parserConfig }, devices);
    const fallbackDelimiter = port.framing === undefined || (port.framing.kind === 'delimiter' && port.framing.delimiter === undefined && port.framing.delimiterHex === undefined)
      ? agreed(all, 'delimiter', `${at}/framing`)
      : undefined;
    try {
      createFramer(port.framing, fallbackDelimiter, { frame: () => undefined, tooLarge: () => undefined }, clock).reset();
    } catch (err) {
      throw invalid(`${at}/framing`, (err as Error).message, err);
    }
    const delimiter = delimiterOf(port.framing, fallbackDelimiter);
    for (const [name, command] of Object.entries(port.commands)) {
      if (command.appendDelimiter && delimiter === undefined) throw invalid(`${at}/commands/${name}/appendDelimiter`, 'needs delimiter framing on the port');
    }
    const baudRate = port.baudRate ?? agreed(all, 'baudRate', `${at}/baudRate`) ?? DEFAULT_BAUD_RATE;
    return {
      config: port,
      settings: { path: port.path, baudRate, dataBits: port.dataBits, parity: port.parity, stopBits: port.stopBits },
      devices: devices.map(({ config: c, profile }) => ({ config: c, profile })),
      parserConfig, parser, fallbackDelimiter, delimiter,
    };
  });
}
