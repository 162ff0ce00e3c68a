import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/** How /metrics is served; with neither set it is not served: its figures are for operators. */
export interface MetricsConfig {
  /** METRICS_TOKEN: the bearer token Prometheus sends to /metrics (on either port). */
  token?: string;
  /** METRICS_PORT: a second listener that serves only /metrics, e.g. on an internal network. */
  port?: number;
}

const value = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

/** METRICS_TOKEN and METRICS_PORT (README, "Metrics and the queue dashboard"). */
export function metricsConfig(env: Env, appPort: number): MetricsConfig {
  const token = value(env, 'METRICS_TOKEN');
  if (token !== undefined && !/^[\x21-\x7e]{32,512}$/.test(token)) {
    throw new ConfigError(
      'METRICS_TOKEN',
      'must be 32 to 512 printable characters without spaces, e.g. `openssl rand -hex 32`',
    );
  }
  const rawPort = value(env, 'METRICS_PORT');
  if (rawPort === undefined) return { token };
  const port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : 0;
  if (port < 1 || port > 65535) {
    throw new ConfigError('METRICS_PORT', `must be a port between 1 and 65535, got "${rawPort}"`);
  }
  if (port === appPort) throw new ConfigError('METRICS_PORT', 'must differ from PORT');
  return { token, port };
}
