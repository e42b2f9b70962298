/**
 * TLS material for the hub: a generated or given CA, a server certificate for the hub's names,
 * expiry warnings, and certificate thumbprints.
 */
export { ensureHubCertificates, serverNames } from './ensure-certificates.js';
export type { EnsureCertificatesOptions, HubCertificates } from './ensure-certificates.js';
// The issuer (issue.ts) is not re-exported: it pulls in @peculiar/x509, which ensure-certificates
// loads lazily, only when a certificate must be made.
export type { PemPair } from './issue.js';
export { certificateThumbprint, certificateThumbprints, normalizeThumbprint } from './thumbprint.js';
export type { ThumbprintAlgorithm } from './thumbprint.js';
export { splitPemCertificates, pemToDer, derToPem } from './pem.js';
