/**
 * Looking up a profile's points for the modules: by name (a desired property or the `write`
 * direct method's `{point, value}`), with the write path checked against the point's `writable`.
 */
import { ProfileError } from './errors.js';
import type { DeviceProfile } from './profile.js';

type PointOf<P extends DeviceProfile> = P['points'][number];

/** The point named `name`. FH_PROFILE_POINT_UNKNOWN when the profile has none. */
export function findPoint<P extends DeviceProfile>(profile: P, name: string): PointOf<P> {
  const point = (profile.points as readonly PointOf<P>[]).find((p) => p.name === name);
  if (point === undefined) throw new ProfileError('FH_PROFILE_POINT_UNKNOWN', `profile ${profile.id} has no point "${name}"`);
  return point;
}

/**
 * The point `name` when it may be written through `via` (`desired`: the desired property `<name>`;
 * `method`: the direct method `write`). FH_PROFILE_POINT_UNKNOWN, FH_PROFILE_NOT_WRITABLE.
 */
export function writablePoint<P extends DeviceProfile>(profile: P, name: string, via: 'desired' | 'method'): PointOf<P> {
  const point = findPoint(profile, name);
  if (point.writable === false || !point.writable[via]) {
    const how = via === 'desired' ? 'through a desired property' : 'through the write method';
    throw new ProfileError('FH_PROFILE_NOT_WRITABLE', `point ${name} of profile ${profile.id} is not writable ${how}`);
  }
  return point;
}
