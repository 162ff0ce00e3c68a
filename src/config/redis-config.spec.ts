import { ConfigError, loadConfig } from './app-config';
import { hashTagOf } from './redis-config';

const base = { DATABASE_URL: 'postgres://localhost/salt' };

describe('Redis Cluster configuration', () => {
  it('is off by default: one Redis at REDIS_URL, prefix salt', () => {
    const config = loadConfig(base);
    expect(config.redisCluster).toBeUndefined();
    expect(config.queuePrefix).toBe('salt');
  });

  it('reads REDIS_CLUSTER_NODES as seed nodes and defaults the prefix to a hash tag', () => {
    const config = loadConfig({
      ...base,
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001,redis-c:6379,[::1]:7002',
    });
    expect(config.redisCluster).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: 'redis-c', port: 6379 },
        { host: '::1', port: 7002 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
    expect(config.queuePrefix).toBe('{salt}');
  });

  it('takes credentials and TLS from rediss:// entries', () => {
    const config = loadConfig({
      ...base,
      REDIS_CLUSTER_NODES: 'rediss://app:p%40ss@a:7000,rediss://app:p%40ss@b:7000',
      QUEUE_PREFIX: 'trial-{salt}',
    });
    expect(config.redisCluster).toMatchObject({ username: 'app', password: 'p@ss', tls: true });
    expect(config.queuePrefix).toBe('trial-{salt}');
  });

  it.each([
    [{ QUEUE_PREFIX: 'salt' }, 'QUEUE_PREFIX', /hash tag such as \{salt\}/],
    [{ QUEUE_PREFIX: 'salt{}' }, 'QUEUE_PREFIX', /hash tag/],
    [{ REDIS_URL: 'redis://x:6379' }, 'REDIS_CLUSTER_NODES', /both set/],
    [{ REDIS_CLUSTER_NODES: 'a:7000,,b:7000' }, 'REDIS_CLUSTER_NODES', /no empty entry/],
    [{ REDIS_CLUSTER_NODES: 'http://a:7000' }, 'REDIS_CLUSTER_NODES', /entry 1/],
    [{ REDIS_CLUSTER_NODES: 'a:7000,b:port' }, 'REDIS_CLUSTER_NODES', /entry 2/],
    [{ REDIS_CLUSTER_NODES: 'redis://a:7000/2' }, 'REDIS_CLUSTER_NODES', /only database 0/],
    [
      { REDIS_CLUSTER_NODES: 'redis://:s3cr3tA@a:7000,redis://:s3cr3tB@b:7000' },
      'REDIS_CLUSTER_NODES',
      /same scheme and credentials/,
    ],
  ])('refuses %j with an error naming %s', (env, variable, message) => {
    const attempt = () => loadConfig({ ...base, REDIS_CLUSTER_NODES: 'a:7000,b:7000', ...env });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      // A node URL may carry a password; no message repeats it.
      expect((error as Error).message).not.toMatch(/s3cr3t/);
    }
  });

  it('finds the hash tag the way Redis does', () => {
    expect(hashTagOf('{salt}:assign:wait')).toBe('salt');
    expect(hashTagOf('x{salt}y:app:login')).toBe('salt');
    expect(hashTagOf('{}salt')).toBeUndefined();
    expect(hashTagOf('salt')).toBeUndefined();
    expect(hashTagOf('{salt')).toBeUndefined();
  });
});

describe('WORKER_HEALTH_PORT', () => {
  it('is unset by default, and read for a worker', () => {
    expect(loadConfig(base).workerHealthPort).toBeUndefined();
    expect(
      loadConfig({ ...base, SALT_ROLE: 'worker', WORKER_HEALTH_PORT: '3001' }).workerHealthPort,
    ).toBe(3001);
  });

  it.each([
    [{ WORKER_HEALTH_PORT: '3001' }, /only for SALT_ROLE=worker/],
    [{ SALT_ROLE: 'api', WORKER_HEALTH_PORT: '3001' }, /only for SALT_ROLE=worker/],
    [{ SALT_ROLE: 'worker', WORKER_HEALTH_PORT: '0' }, /from 1 to 65535/],
    [{ SALT_ROLE: 'worker', WORKER_HEALTH_PORT: 'http' }, /from 1 to 65535/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });
});
