import { Logger } from '@nestjs/common';
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AuditLogConfig, ed25519PrivateKeyPem } from '../config/audit-log-config';
import { ConfigError } from '../config/config-error';
import { keyIdOf } from './audit-checkpoint';

/**
 * The log's Ed25519 key. It comes from the environment (AUDIT_SIGNING_KEY) or a file
 * (AUDIT_SIGNING_KEY_FILE), never from the database: whoever can rewrite the database must not
 * be able to sign a rewritten history.
 */
export class AuditSigningKey {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  static load(config: AuditLogConfig, logger = new Logger('AuditLog')): AuditSigningKey {
    if (config.signingKeyPem) return new AuditSigningKey(createPrivateKey(config.signingKeyPem));
    const file = config.signingKeyFile;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (!config.createKeyFile) {
        throw new ConfigError('AUDIT_SIGNING_KEY_FILE', `${file} does not exist`);
      }
      text = createKeyFile(file);
      const key = new AuditSigningKey(createPrivateKey(text));
      logger.warn(
        `Created a new audit log signing key at ${file} (key id ${key.keyId}). BACK IT UP, keep ` +
          `it out of the database's reach, and publish its public key (GET /api/v1/audit/` +
          `public-key) to your auditors: every checkpoint of the audit log is signed with it.`,
      );
      return key;
    }
    return new AuditSigningKey(
      createPrivateKey(ed25519PrivateKeyPem(text.trim(), 'AUDIT_SIGNING_KEY_FILE')),
    );
  }
}

/**
 * Writes a fresh key, readable by its owner only. Processes starting at once must end up with
 * the same key: the key goes to a private temporary file that is then hard-linked into place,
 * which fails if another process got there first; then everyone reads what is there.
 */
function createKeyFile(file: string): string {
  mkdirSync(dirname(file), { recursive: true });
  const pem = generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, pem, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return readFileSync(file, 'utf8');
}
