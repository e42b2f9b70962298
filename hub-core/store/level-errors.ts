/**
 * Maps abstract-level/classic-level errors to hub-core codes. level wraps the interesting error:
 * a failed open is LEVEL_DATABASE_NOT_OPEN whose `cause` is LEVEL_LOCKED or LEVEL_CORRUPTION,
 * so the whole cause chain is searched before falling back to the outer code.
 */
import { HubError } from '../errors.js';

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/**
 * The hub-core error for a level failure during `action` ("open", "get", ...). Programmer errors
 * (TypeError/RangeError) pass through unchanged. `location` names the data folder for messages.
 */
export function mapLevelError(err: unknown, action: string, location: string): unknown {
  if (err instanceof HubError || err instanceof TypeError || err instanceof RangeError) return err;
  const codes = codesOf(err);
  if (codes.includes('LEVEL_LOCKED')) {
    return new HubError(
      'FH_STORE_LOCKED',
      `Cannot ${action} the store at ${location}: it is locked, probably by another fieldhub process using this data folder.`,
      { cause: err, retryable: true },
    );
  }
  if (codes.includes('LEVEL_CORRUPTION')) {
    return new HubError('FH_STORE_CORRUPT', `The store at ${location} is corrupt (${action}).`, { cause: err });
  }
  // When open fails, NOT_OPEN only wraps the real reason (a missing folder, permissions...).
  const notOpen = codes[0] === 'LEVEL_DATABASE_NOT_OPEN' || codes[0] === 'LEVEL_ITERATOR_NOT_OPEN';
  if (notOpen && action !== 'open') {
    return new HubError('FH_STORE_NOT_OPEN', `The store at ${location} is not open (${action}).`, { cause: err });
  }
  return new HubError('FH_STORE_IO', `Store ${action} failed at ${location}.`, { cause: err, retryable: true });
}
