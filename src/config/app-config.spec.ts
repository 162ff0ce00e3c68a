import { ConfigError, loadConfig } from './app-config';

const base = { DATABASE_URL: 'postgres://localhost/salt' };

describe('loadConfig', () => {
  it('applies defaults for a minimal environment', () => {
    const config = loadConfig(base);
    expect(config.role).toBe('all');
    expect(config.port).toBe(3000);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.migrateOnStart).toBe(true);
    expect(config.storageDir).toMatch(/data\/photos$/);
    expect(config.database).toEqual({
      connectTimeoutMs: 5000,
      statementTimeoutMs: 5000,
      idleInTransactionTimeoutMs: 10_000,
    });
    expect(config.redisCommandTimeoutMs).toBe(2000);
  });

  it('makes the session cookie Secure by default in production only', () => {
    expect(loadConfig(base).cookieSecure).toBe(false);
    expect(loadConfig({ ...base, NODE_ENV: 'production' }).cookieSecure).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'production', COOKIE_SECURE: 'no' }).cookieSecure).toBe(
      false,
    );
  });

  it('keeps PUBLIC_ORIGIN as a bare origin, and leaves it unset by default', () => {
    expect(loadConfig(base).publicOrigin).toBeUndefined();
    expect(loadConfig({ ...base, PUBLIC_ORIGIN: 'https://Salt.Example.org/' }).publicOrigin).toBe(
      'https://salt.example.org',
    );
    expect(loadConfig({ ...base, PUBLIC_ORIGIN: 'http://localhost:5173' }).publicOrigin).toBe(
      'http://localhost:5173',
    );
  });

  it('names the missing DATABASE_URL', () => {
    expect(() => loadConfig({})).toThrow(
      new ConfigError('DATABASE_URL', 'is required but not set'),
    );
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ SALT_ROLE: 'boss' }, 'SALT_ROLE'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ SALT_MIGRATE: 'perhaps' }, 'SALT_MIGRATE'],
    [{ SALT_ADMIN_EMAIL: 'a@b.c' }, 'SALT_ADMIN_PASSWORD'],
    [{ SALT_ADMIN_EMAIL: 'a@b.c', SALT_ADMIN_PASSWORD: 'short' }, 'SALT_ADMIN_PASSWORD'],
    [{ QUEUE_PREFIX: 'a b' }, 'QUEUE_PREFIX'],
    [{ PUBLIC_ORIGIN: 'salt.example.org' }, 'PUBLIC_ORIGIN'],
    [{ PUBLIC_ORIGIN: 'ftp://salt.example.org' }, 'PUBLIC_ORIGIN'],
    [{ PUBLIC_ORIGIN: 'https://salt.example.org/app' }, 'PUBLIC_ORIGIN'],
    [{ COOKIE_SECURE: 'sometimes' }, 'COOKIE_SECURE'],
    [{ SALT_ROLE: 'worker', WORKER_HEALTH_PORT: '9464', METRICS_PORT: '9464' }, 'METRICS_PORT'],
    [{ DB_STATEMENT_TIMEOUT_MS: '0' }, 'DB_STATEMENT_TIMEOUT_MS'],
    [{ DB_CONNECT_TIMEOUT_MS: '5s' }, 'DB_CONNECT_TIMEOUT_MS'],
    [{ REDIS_COMMAND_TIMEOUT_MS: 'soon' }, 'REDIS_COMMAND_TIMEOUT_MS'],
    [{ SALT_APP_DB_ROLE: 'salt_app; DROP TABLE users' }, 'SALT_APP_DB_ROLE'],
  ])('rejects %p naming %s', (extra, variable) => {
    expect(() => loadConfig({ ...base, ...extra })).toThrow(
      expect.objectContaining({ variable }) as Error,
    );
  });
});
