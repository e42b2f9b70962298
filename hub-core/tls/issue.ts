/**
 * Creates the hub CA and issues server certificates with @peculiar/x509 over Node's WebCrypto.
 * Keys are EC P-256: key generation and handshakes are fast on a Raspberry Pi, and every TLS
 * client the hub serves (Node, OpenSSL/mosquitto, .NET, the C SDK) accepts them.
 */
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';
import { HubError } from '../errors.js';
import { derToPem } from './pem.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const DAY_MS = 86_400_000;
/** Certificates start a few minutes in the past so a device whose clock lags still accepts them. */
const BACKDATE_MS = 5 * 60_000;
const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A certificate and its private key, both PEM. */
export interface PemPair {
  certPem: string;
  keyPem: string;
}

/** A private key ready to sign certificates, with the algorithm to sign with. */
interface SigningKey {
  key: CryptoKey;
  algorithm: Algorithm | EcdsaParams;
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  // A positive, non-zero serial (RFC 5280 4.1.2.2): clear the sign bit, set a low bit.
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  return derToPem(await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey), 'PRIVATE KEY');
}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/**
 * Imports a PEM private key (PKCS#8, SEC1 "EC PRIVATE KEY" or PKCS#1 RSA) for signing.
 * FH_CERT_INVALID when it is not an EC (P-256/384/521) or RSA key.
 */
export async function importSigningKey(keyPem: string, what: string): Promise<SigningKey> {
  let keyObject;
  try {
    keyObject = createPrivateKey(keyPem);
  } catch (err) {
    throw new HubError('FH_CERT_INVALID', `the ${what} is not a readable private key: ${(err as Error).message}`, { cause: err });
  }
  const der = keyObject.export({ format: 'der', type: 'pkcs8' });
  if (keyObject.asymmetricKeyType === 'ec') {
    const namedCurve = CURVES[keyObject.asymmetricKeyDetails?.namedCurve ?? ''];
    if (namedCurve) {
      const key = await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign']);
      return { key: key as unknown as CryptoKey, algorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams };
    }
  }
  if (keyObject.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
    return { key: key as unknown as CryptoKey, algorithm };
  }
  throw new HubError('FH_CERT_INVALID',
    `the ${what} is a ${keyObject.asymmetricKeyType ?? 'unknown'} key; use an EC (P-256, P-384, P-521) or RSA key`);
}

/** Creates a self-signed CA certificate and key, valid `validityDays` from now. */
export async function createCa(options: { commonName: string; validityDays: number; now?: number }): Promise<PemPair> {
  const now = options.now ?? Date.now();
  const keys = await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [options.commonName] }, { O: ['fieldhub'] }],
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + options.validityDays * DAY_MS),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportKeyPem(keys.privateKey) };
}

/**
 * The authority key identifier must equal the CA's subject key identifier byte for byte, or
 * OpenSSL-based clients fail to build the chain; a CA made elsewhere may compute it differently,
 * so copy it when the CA has one.
 */
async function authorityKeyId(caCert: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  return ski ? new x509.AuthorityKeyIdentifierExtension(ski.keyId) : x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);
}

/** SAN entries for host names and IP literals: an IP literal needs an IP SAN (no SNI is sent for it). */
export function subjectAltNames(names: readonly string[]): { type: 'dns' | 'ip'; value: string }[] {
  return names.map((value) => ({ type: isIP(value) ? 'ip' as const : 'dns' as const, value }));
}

/**
 * Issues a TLS server certificate for `names` (the first is the subject CN when it fits), signed by
 * the CA, valid `validityDays` but never past the CA's own expiry.
 */
export async function issueServerCertificate(options: {
  ca: PemPair;
  names: readonly string[];
  validityDays: number;
  now?: number;
}): Promise<PemPair> {
  const now = options.now ?? Date.now();
  const caCert = new x509.X509Certificate(options.ca.certPem);
  const signer = await importSigningKey(options.ca.keyPem, 'CA key');
  const keys = await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']) as unknown as CryptoKeyPair;
  const notAfter = Math.min(now + options.validityDays * DAY_MS, caCert.notAfter.getTime());
  const first = options.names[0] ?? 'localhost';
  // CN is at most 64 characters (RFC 5280 upper bound); clients match on the SANs anyway.
  const cn = first.length <= 64 ? first : 'fieldhub hub';
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [cn] }, { O: ['fieldhub'] }],
    issuer: caCert.subjectName,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: signer.algorithm,
    publicKey: keys.publicKey,
    signingKey: signer.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(subjectAltNames(options.names)),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await authorityKeyId(caCert),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportKeyPem(keys.privateKey) };
}
