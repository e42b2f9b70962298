import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEST_CA_CERT, ensureTestCa } from '../../test/helpers/test-ca.js';
import { certificateThumbprint, certificateThumbprints, normalizeThumbprint } from './thumbprint.js';
import { pemToDer } from './pem.js';

describe('thumbprints', () => {
  ensureTestCa();
  const pem = readFileSync(TEST_CA_CERT, 'utf8');
  const node = new X509Certificate(pem);

  it('match the SHA-1 and SHA-256 fingerprints of the DER, uppercase without separators', () => {
    expect(certificateThumbprint(pem, 'sha1')).toBe(node.fingerprint.replace(/:/g, ''));
    expect(certificateThumbprint(pem)).toBe(node.fingerprint256.replace(/:/g, ''));
    expect(certificateThumbprints(pemToDer(pem))).toEqual({
      sha1: node.fingerprint.replace(/:/g, ''), sha256: node.fingerprint256.replace(/:/g, ''),
    });
  });

  it('normalises typed thumbprints and rejects other text', () => {
    const colons = node.fingerprint.toLowerCase();
    expect(normalizeThumbprint(colons)).toBe(node.fingerprint.replace(/:/g, ''));
    expect(normalizeThumbprint('abc')).toBeUndefined();
    expect(normalizeThumbprint('Z'.repeat(40))).toBeUndefined();
  });
});
