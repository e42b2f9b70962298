/**
 * What the modbus config schema cannot check, run by `fieldhub config check`, before every start
 * (the factory's `check`) and by the module's own start: every device's port exists, RTU unit ids
 * are 1..247, device ids are unique, and every profile loads and is a Modbus profile. Paths are
 * inside the module's config (`/devices/0/profile`). Kept apart from the module so the factory
 * can offer it without loading the Modbus implementation.
 */
import { loadProfile } from '../../devices/loader.js';
import type { ModbusConfig } from './manifest.js';

/** Every problem, each with its JSON path inside the config; empty when all is well. */
export function checkModbusConfig(config: ModbusConfig): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  const profiles = new Map<string, string | undefined>();
  config.devices.forEach((d, i) => {
    const port = config.ports[d.port];
    if (port === undefined) problems.push({ path: `/devices/${i}/port`, message: `no port ${JSON.stringify(d.port)} in ports (${Object.keys(config.ports).join(', ')})` });
    else if (port.kind === 'rtu' && (d.unitId < 1 || d.unitId > 247)) problems.push({ path: `/devices/${i}/unitId`, message: 'an RTU unit id is 1..247' });
    if (seen.has(d.deviceId)) problems.push({ path: `/devices/${i}/deviceId`, message: `${d.deviceId} is configured twice` });
    seen.add(d.deviceId);
    if (!profiles.has(d.profile)) {
      let problem: string | undefined;
      try {
        const profile = loadProfile(d.profile, { dirs: config.profileDirs });
        if (profile.protocol !== 'modbus') problem = `profile ${profile.id} is for ${profile.protocol}, not modbus`;
      } catch (err) {
        problem = (err as Error).message;
      }
      profiles.set(d.profile, problem);
      if (problem !== undefined) problems.push({ path: `/devices/${i}/profile`, message: problem });
    }
  });
  return problems;
}
