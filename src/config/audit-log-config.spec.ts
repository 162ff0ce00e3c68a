import { generateKeyPairSync } from 'node:crypto';
import { auditLogConfig } from './audit-log-config';

describe('auditLogConfig', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const der = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');

  it('defaults to a key file beside the photo store, created on first start', () => {
    const config = auditLogConfig({}, '/data/photos');
    expect(config).toEqual({
      signingKeyPem: undefined,
      signingKeyFile: '/data/audit-signing-key.pem',
      createKeyFile: true,
      witnessDir: undefined,
      witnessUrl: undefined,
      sealEveryMs: 150,
    });
  });

  it('takes the key as PEM, as PEM with escaped newlines, or as base64 DER', () => {
    for (const key of [pem, pem.replace(/\n/g, '\\n'), der]) {
      expect(auditLogConfig({ AUDIT_SIGNING_KEY: key }, '/d/p').signingKeyPem).toBe(pem);
    }
  });

  it('never creates a key file that was named explicitly', () => {
    const config = auditLogConfig({ AUDIT_SIGNING_KEY_FILE: '/run/secrets/audit.pem' }, '/d/p');
    expect(config).toMatchObject({
      signingKeyFile: '/run/secrets/audit.pem',
      createKeyFile: false,
    });
  });

  it.each([
    [{ AUDIT_SIGNING_KEY: 'not a key' }, 'AUDIT_SIGNING_KEY', /could not be read/],
    [
      {
        AUDIT_SIGNING_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      },
      'AUDIT_SIGNING_KEY',
      /not ec key/,
    ],
    [
      { AUDIT_SIGNING_KEY: der, AUDIT_SIGNING_KEY_FILE: '/k' },
      'AUDIT_SIGNING_KEY_FILE',
      /not both/,
    ],
    [{ AUDIT_WITNESS_URL: 'ftp://x' }, 'AUDIT_WITNESS_URL', /http/],
    [{ AUDIT_SEAL_EVERY_MS: '5' }, 'AUDIT_SEAL_EVERY_MS', /10 to 60000/],
  ])('rejects %p naming %s in one line', (env, variable, message) => {
    expect(() => auditLogConfig(env, '/d/p')).toThrow(
      expect.objectContaining({ variable }) as Error,
    );
    expect(() => auditLogConfig(env, '/d/p')).toThrow(message);
  });
});
