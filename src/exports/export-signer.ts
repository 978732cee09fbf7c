import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { configuredOrStoredSecret } from '../config/secrets';
import { canonicalJson } from '../history-chain/canonical-json';
import { CHAIN_FORMAT } from '../history-chain/chain';
import type { ExportManifest } from './manifest';

/** What an export fills in of its manifest; the signer adds the rest (completedAt, formats, key). */
export type ManifestFields = Omit<
  ExportManifest,
  'completedAt' | 'chainFormat' | 'algorithm' | 'keyId' | 'signature'
>;

/**
 * Signs export manifests with Ed25519. The private key comes from EXPORT_SIGNING_KEY (PEM) or is
 * generated once in the data directory; the public key is published for anyone to verify.
 */
@Injectable()
export class ExportSigner {
  private readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const pem = configuredOrStoredSecret(
      config.exportSigningKey,
      config.dataDir,
      'export-signing-key.pem',
      () =>
        generateKeyPairSync('ed25519')
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
    );
    this.privateKey = createPrivateKey(pem.includes('BEGIN') ? pem : pem.replace(/\\n/g, '\n'));
    if (this.privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error('EXPORT_SIGNING_KEY must be an Ed25519 private key (PEM)');
    this.publicKeyPem = createPublicKey(this.privateKey)
      .export({ type: 'spki', format: 'pem' })
      .toString();
    this.keyId = createHash('sha256').update(this.publicKeyPem).digest('hex').slice(0, 16);
  }

  /** Base64 Ed25519 signature over the canonical JSON of the unsigned manifest. */
  sign(unsigned: Record<string, unknown>): string {
    return sign(null, Buffer.from(canonicalJson(unsigned)), this.privateKey).toString('base64');
  }

  /** The signed manifest of an export that completed now. */
  signManifest(fields: ManifestFields): ExportManifest {
    const unsigned: Omit<ExportManifest, 'signature'> = {
      ...fields,
      completedAt: new Date().toISOString(),
      chainFormat: CHAIN_FORMAT,
      algorithm: 'Ed25519',
      keyId: this.keyId,
    };
    return { ...unsigned, signature: this.sign(unsigned) };
  }
}

/** Verification needs only the public key (used by the CLI and the verify endpoint). */
export function verifyManifestSignature(
  manifest: Record<string, unknown>,
  publicKeyPem: string,
): boolean {
  // The chain-head list is served beside the manifest; the signature covers its digest.
  const { signature, chainHeads: _served, ...unsigned } = manifest;
  if (typeof signature !== 'string') return false;
  try {
    return verify(
      null,
      Buffer.from(canonicalJson(unsigned)),
      createPublicKey(publicKeyPem),
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}
