import { createPrivateKey } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/** The audit log's sealer and its signing key (docs/audit.md); the key never enters the database. */
export interface AuditLogConfig {
  /** AUDIT_SIGNING_KEY as a PKCS#8 PEM, checked to be an Ed25519 private key. */
  signingKeyPem?: string;
  /** Where the key is read from when AUDIT_SIGNING_KEY is not set (AUDIT_SIGNING_KEY_FILE). */
  signingKeyFile: string;
  /** The file is the default one beside STORAGE_DIR, created on the first start if missing. */
  createKeyFile: boolean;
  /** Each signed checkpoint is also written here as <treeSize>.json (AUDIT_WITNESS_DIR). */
  witnessDir?: string;
  /** Each signed checkpoint is also POSTed here (AUDIT_WITNESS_URL); never holds up sealing. */
  witnessUrl?: string;
  /** How often the sealer looks for committed events to seal (AUDIT_SEAL_EVERY_MS). */
  sealEveryMs: number;
}

const value = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

/** An Ed25519 private key as PKCS#8 PEM, or the base64 of its DER (the PEM's body). */
export function ed25519PrivateKeyPem(raw: string, variable: string): string {
  const problem = 'must be an Ed25519 private key, as PKCS#8 PEM or base64 DER';
  let key;
  try {
    key = raw.includes('-----BEGIN')
      ? createPrivateKey(raw.replace(/\\n/g, '\n'))
      : createPrivateKey({ key: Buffer.from(raw, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new ConfigError(variable, `${problem}; it could not be read as a private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(variable, `${problem}, not ${key.asymmetricKeyType ?? 'another'} key`);
  }
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function auditLogConfig(env: Env, storageDir: string): AuditLogConfig {
  const key = value(env, 'AUDIT_SIGNING_KEY');
  const keyFile = value(env, 'AUDIT_SIGNING_KEY_FILE');
  if (key && keyFile) {
    throw new ConfigError('AUDIT_SIGNING_KEY_FILE', 'set either it or AUDIT_SIGNING_KEY, not both');
  }
  const witnessDir = value(env, 'AUDIT_WITNESS_DIR');
  const witnessUrl = value(env, 'AUDIT_WITNESS_URL');
  if (witnessUrl && !/^https?:\/\/[^\s/]+/.test(witnessUrl)) {
    throw new ConfigError('AUDIT_WITNESS_URL', 'must be an http:// or https:// URL');
  }
  const every = value(env, 'AUDIT_SEAL_EVERY_MS') ?? '150';
  if (!/^\d+$/.test(every) || Number(every) < 10 || Number(every) > 60_000) {
    throw new ConfigError('AUDIT_SEAL_EVERY_MS', `must be from 10 to 60000, got "${every}"`);
  }
  return {
    signingKeyPem: key ? ed25519PrivateKeyPem(key, 'AUDIT_SIGNING_KEY') : undefined,
    // By default beside the photo store: ./data/audit-signing-key.pem, /data/… in the image.
    signingKeyFile: keyFile ? resolve(keyFile) : join(dirname(storageDir), 'audit-signing-key.pem'),
    createKeyFile: keyFile === undefined,
    witnessDir: witnessDir ? resolve(witnessDir) : undefined,
    witnessUrl,
    sealEveryMs: Number(every),
  };
}
