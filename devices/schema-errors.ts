/**
 * ajv errors of the profile schema as `/json/path: what is wrong` lines a person can act on: an
 * unknown key names the key, a missing one its path, a section of another protocol says so, and
 * the noise of the per-protocol if/then and of `anyOf` alternatives is folded into one line.
 */
import type { ErrorObject } from 'ajv';

/** One line per problem, in ajv's order, without duplicates. */
export function formatProfileErrors(errors: readonly ErrorObject[], protocol: unknown): string[] {
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  const lines: string[] = [];
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    if (anyOfPaths.some((p) => e.schemaPath.startsWith(`${p}/`))) continue;
    const at = e.instancePath || '';
    switch (e.keyword) {
      case 'additionalProperties':
        lines.push(`${at}/${String((e.params as { additionalProperty: string }).additionalProperty)}: unknown key`);
        break;
      case 'required':
        lines.push(`${at}/${String((e.params as { missingProperty: string }).missingProperty)}: required${e.schemaPath.includes('/allOf/') ? ` for protocol ${String(protocol)}` : ''}`);
        break;
      case 'false schema':
        lines.push(`${at}: not allowed for protocol ${String(protocol)}`);
        break;
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
        lines.push(`${at || '/'}: must be one of ${allowed}`);
        break;
      }
      case 'anyOf':
        lines.push(at.endsWith('/writable') ? `${at}: must be true, false or { desired: bool, method: bool }` : `${at || '/'}: matches none of its allowed forms`);
        break;
      default:
        lines.push(`${at || '/'}: ${e.message ?? e.keyword}`);
    }
  }
  return [...new Set(lines)];
}
