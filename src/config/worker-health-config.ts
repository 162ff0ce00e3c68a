import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/**
 * WORKER_HEALTH_PORT: where a worker-only process answers its health probes (api and `all`
 * processes serve them on PORT). Unset: a worker opens no port at all.
 */
export function workerHealthPort(env: Env): number | undefined {
  const raw = env.WORKER_HEALTH_PORT?.trim();
  if (!raw) return undefined;
  if ((env.SALT_ROLE?.trim() ?? 'all') !== 'worker') {
    throw new ConfigError(
      'WORKER_HEALTH_PORT',
      'is only for SALT_ROLE=worker; api and all processes serve health on PORT',
    );
  }
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new ConfigError('WORKER_HEALTH_PORT', `must be a port from 1 to 65535, got "${raw}"`);
  }
  return port;
}
