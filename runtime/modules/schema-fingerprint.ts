/**
 * The fingerprint of a module type's config schema: what a precompiled validator was generated
 * from (runtime/config/validator-codegen.ts writes it next to each validator), so the module host
 * uses a precompiled validator only for the very schema it was compiled from.
 */
import { createHash } from 'node:crypto';

/** sha256 (hex) of the schema's JSON text. */
export function schemaFingerprint(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}
