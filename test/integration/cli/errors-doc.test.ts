/**
 * docs/errors.md against the catalogues, in both directions (as fastify checks its Errors.md):
 * every code raised is documented, and the document lists no code that no catalogue has.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileErrorCodes } from '../../../devices/errors.js';
import { ModuleErrorCodes } from '../../../modules/errors.js';
import { HubErrorCodes } from '../../../hub-core/errors.js';
import { RuntimeErrorCodes } from '../../../runtime/errors.js';
import { REPO_ROOT } from '../../helpers/hub-process.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');

/** Codes in the first column of the table under `## heading`. */
function tableCodes(heading: string): string[] {
  const start = doc.indexOf(`## ${heading}`);
  expect(start, `docs/errors.md has a "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 3);
  const section = doc.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| `(FH_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);
}

describe('docs/errors.md', () => {
  it('lists exactly the hub-core codes in its hub-core table', () => {
    expect(tableCodes('hub-core').sort()).toEqual(Object.keys(HubErrorCodes).sort());
  });

  it('lists exactly the runtime codes in its runtime table', () => {
    expect(tableCodes('runtime (CLI and configuration)').sort()).toEqual(Object.keys(RuntimeErrorCodes).sort());
  });

  it('lists exactly the devices/ codes in its devices (profiles) table', () => {
    expect(tableCodes('devices (profiles)').sort()).toEqual(Object.keys(ProfileErrorCodes).sort());
  });

  it('lists exactly the modules/ codes in its modules table', () => {
    expect(tableCodes('modules').sort()).toEqual(Object.keys(ModuleErrorCodes).sort());
  });

  it('mentions no code that no catalogue defines', () => {
    const known = new Set([...Object.keys(HubErrorCodes), ...Object.keys(RuntimeErrorCodes), ...Object.keys(ProfileErrorCodes), ...Object.keys(ModuleErrorCodes)]);
    const mentioned = new Set(doc.match(/\bFH_[A-Z0-9]+(?:_[A-Z0-9]+)+\b/g) ?? []);
    expect([...mentioned].filter((c) => !known.has(c))).toEqual([]);
  });
});
