/**
 * The error every query parse failure throws: HubError FH_QUERY_INVALID with the position.
 */
import { HubError } from '../../errors.js';

/** FH_QUERY_INVALID with `position`, the 0-based offset in the query text (also in the message). */
export class QueryError extends HubError {
  /** 0-based offset of the offending character or token in the query text. */
  readonly position: number;
  constructor(position: number, message: string) {
    super('FH_QUERY_INVALID', `at position ${position}: ${message}`);
    this.name = 'QueryError';
    this.position = position;
  }
}
