/**
 * The devices/ error catalogue: profile loading and validation, and the value codecs shared by the
 * device modules. Codes are API (stable, `FH_PROFILE_<WHAT>`); messages are not. devices/ imports
 * nothing of runtime/, so it keeps this small catalogue on hub-core's {@link FieldhubError};
 * docs/errors.md lists it in its "devices (profiles)" section and a drift test checks both ways.
 */
import { FieldhubError } from '../hub-core/errors.js';

/** Every code devices/ raises, with what it means. */
export const ProfileErrorCodes = {
  FH_PROFILE_INVALID: 'A device profile breaks its schema or a cross-field rule; every problem with its file and JSON path.',
  FH_PROFILE_NOT_FOUND: 'No profile with that id in the profile folders, or no file at that path.',
  FH_PROFILE_UNREADABLE: 'A profile file cannot be read or is not valid YAML/JSON; the message names the file (and the line).',
  FH_PROFILE_POINT_UNKNOWN: 'The profile has no point of that name.',
  FH_PROFILE_NOT_WRITABLE: 'The point cannot be written: not declared writable, or a read-only table (input, discrete).',
  FH_PROFILE_VALUE_INVALID: 'A value to write has the wrong kind for the point (a string for a number, not finite, not Latin-1 text).',
  FH_PROFILE_VALUE_RANGE: 'A value to write is outside the point\u2019s min/max or does not fit its type after the inverse scale.',
  FH_PROFILE_DECODE_FAILED: 'Device bytes do not fit the point\u2019s decoder (too short, wrong register count).',
} as const;

export type ProfileErrorCode = keyof typeof ProfileErrorCodes;

/** A devices/ error with a code from {@link ProfileErrorCodes}. */
export class ProfileError extends FieldhubError {
  declare readonly code: ProfileErrorCode;
  /** The profile file concerned, when there is one. */
  readonly file: string | undefined;
  /** FH_PROFILE_INVALID: each problem as `<file>: /json/path: what is wrong` (the message joins them). */
  readonly problems: readonly string[];
  constructor(code: ProfileErrorCode, message: string, options: { cause?: unknown; file?: string; problems?: readonly string[] } = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'ProfileError';
    this.file = options.file;
    this.problems = options.problems ?? [];
  }
}

/** True when `err` is a devices/ error (with the given code, when one is given). */
export function isProfileError(err: unknown, code?: ProfileErrorCode): err is ProfileError {
  return err instanceof ProfileError && (code === undefined || err.code === code);
}
