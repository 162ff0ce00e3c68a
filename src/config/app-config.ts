import { resolve } from 'node:path';
import { MetricsConfig, metricsConfig } from './metrics-config';
import { AuditLogConfig, auditLogConfig } from './audit-log-config';
import { ConfigError } from './config-error';
import { RedisClusterConfig, redisClusterConfig } from './redis-config';
import { workerHealthPort } from './worker-health-config';
import { S3StorageConfig, s3StorageConfig } from './storage-config';

export type ProcessRole = 'api' | 'worker' | 'all';

export interface AppConfig {
  role: ProcessRole;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /** Set by REDIS_CLUSTER_NODES: Redis is a cluster, and redisUrl is not used. */
  redisCluster?: RedisClusterConfig;
  queuePrefix: string;
  storageDir: string;
  /** Set when STORAGE_URL=s3://bucket/prefix: photos live in that bucket, not in storageDir. */
  s3?: S3StorageConfig;
  /** How often a worker sweeps stored objects that no row refers to (STORAGE_SWEEP_EVERY_MS). */
  storageSweepEveryMs: number;
  /** An unreferenced object younger than this is never swept (ORPHAN_GRACE_HOURS). */
  orphanGraceHours: number;
  /** Memory for immutable rendition bytes served to blinded readers (RENDITION_CACHE_MB; 0: off). */
  renditionCacheBytes: number;
  migrateOnStart: boolean;
  /** A non-owner role that migrations grant the app's privileges to (docs/database-roles.md). */
  appDbRole?: string;
  adminEmail?: string;
  adminPassword?: string;
  passwordMinLength: number;
  sessionTtlHours: number;
  /** Session cookie only over https. Defaults to on when NODE_ENV=production. */
  cookieSecure: boolean;
  /**
   * The origin browsers load the app from (scheme, host and port), e.g. https://salt.example.org.
   * Unsafe requests from a browser on any other origin are refused. Unset: the origin each
   * request was addressed to (its Host header), which suits localhost and development.
   */
  publicOrigin?: string;
  /** Express 'trust proxy': how many proxy hops to trust for the client IP (0 = none). */
  trustProxy: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Max failed logins per account or IP inside one minute before answering 429. */
  loginFailuresPerMinute: number;
  reconcileEveryMs: number;
  database: DatabaseTimeouts;
  /**
   * How long a request waits for one Redis command (login throttle, health) before it gives up:
   * a Redis that accepts connections but never answers must not hang requests.
   */
  redisCommandTimeoutMs: number;
  webDir: string;
  /** SALT_ROLE=worker only: the port of its health probes (WORKER_HEALTH_PORT); unset, none. */
  workerHealthPort?: number;
  demo: boolean;
  /** How /metrics is served (README, "Metrics and the queue dashboard"). */
  metrics: MetricsConfig;
  /** The audit log's sealer, signing key and witnesses (docs/audit.md). */
  audit: AuditLogConfig;
}

/** Limits that turn a hung or blackholed Postgres into a prompt 503 instead of a hang. */
export interface DatabaseTimeouts {
  connectTimeoutMs: number;
  /** Server-side cap on one statement; the client waits 1 s longer (data-source-options.ts). */
  statementTimeoutMs: number;
  /** Server-side: a transaction left idle this long (its client gone quiet) is ended. */
  idleInTransactionTimeoutMs: number;
}

export { ConfigError };

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required but not set');
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: string[], fallback?: string): string {
  const raw = fallback === undefined ? required(env, name) : (optional(env, name) ?? fallback);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/** An origin is a scheme, host and optional port: nothing after it. */
function origin(env: Env, name: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid origin such as https://salt.example.org`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, 'must start with http:// or https://');
  }
  if (
    parsed.username ||
    parsed.password ||
    parsed.pathname !== '/' ||
    parsed.search ||
    parsed.hash
  ) {
    throw new ConfigError(name, `must be only a scheme, host and port, e.g. ${parsed.origin}`);
  }
  return parsed.origin;
}

/**
 * Validates the environment once, at start-up. Every other part of the app receives the typed
 * result; nothing else reads process.env, so a bad value fails here with the variable's name.
 */
export function loadConfig(env: Env): AppConfig {
  const adminEmail = optional(env, 'SALT_ADMIN_EMAIL');
  const adminPassword = optional(env, 'SALT_ADMIN_PASSWORD');
  const passwordMinLength = integer(env, 'PASSWORD_MIN_LENGTH', 12, 8, 128);
  if (adminEmail && !/^[^@\s]+@[^@\s]+$/.test(adminEmail)) {
    throw new ConfigError('SALT_ADMIN_EMAIL', 'is not an email address');
  }
  if (adminEmail && !adminPassword) {
    throw new ConfigError('SALT_ADMIN_PASSWORD', 'is required when SALT_ADMIN_EMAIL is set');
  }
  if (adminPassword && adminPassword.length < passwordMinLength) {
    throw new ConfigError(
      'SALT_ADMIN_PASSWORD',
      `must be at least ${passwordMinLength} characters long`,
    );
  }
  const appDbRole = optional(env, 'SALT_APP_DB_ROLE');
  if (appDbRole && !/^[a-z_][a-z0-9_]{0,62}$/.test(appDbRole)) {
    throw new ConfigError('SALT_APP_DB_ROLE', 'must be a lower-case Postgres role name');
  }
  const clustered = optional(env, 'REDIS_CLUSTER_NODES') !== undefined;
  // On a cluster the prefix needs a hash tag (redis-config.ts says why), so its default has one.
  const queuePrefix = optional(env, 'QUEUE_PREFIX') ?? (clustered ? '{salt}' : 'salt');
  if (!/^[A-Za-z0-9_{}.-]{1,64}$/.test(queuePrefix)) {
    throw new ConfigError('QUEUE_PREFIX', 'may hold only letters, digits, _ . - { }');
  }
  const storageDir = resolve(optional(env, 'STORAGE_DIR') ?? './data/photos');
  const metrics = metricsConfig(env, integer(env, 'PORT', 3000, 1, 65535));
  const healthPort = workerHealthPort(env);
  // Both would be opened by the same worker process: the second listen would fail with EADDRINUSE.
  if (metrics.port !== undefined && metrics.port === healthPort) {
    throw new ConfigError('METRICS_PORT', 'must differ from WORKER_HEALTH_PORT');
  }
  return {
    role: oneOf(env, 'SALT_ROLE', ['api', 'worker', 'all'] as const, 'all'),
    port: integer(env, 'PORT', 3000, 1, 65535),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    redisCluster: redisClusterConfig(env, queuePrefix),
    queuePrefix,
    storageDir,
    s3: s3StorageConfig(env),
    storageSweepEveryMs: integer(env, 'STORAGE_SWEEP_EVERY_MS', 3_600_000, 1000, 7 * 86_400_000),
    orphanGraceHours: integer(env, 'ORPHAN_GRACE_HOURS', 24, 1, 24 * 365),
    renditionCacheBytes: integer(env, 'RENDITION_CACHE_MB', 32, 0, 4096) * 1024 * 1024,
    migrateOnStart: boolean(env, 'SALT_MIGRATE', true),
    appDbRole,
    adminEmail: adminEmail?.toLowerCase(),
    adminPassword,
    passwordMinLength,
    sessionTtlHours: integer(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 30),
    // Production runs behind https; plain-http development and localhost set it off.
    cookieSecure: boolean(env, 'COOKIE_SECURE', optional(env, 'NODE_ENV') === 'production'),
    publicOrigin: origin(env, 'PUBLIC_ORIGIN'),
    trustProxy: integer(env, 'TRUST_PROXY', 0, 0, 10),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    loginFailuresPerMinute: integer(env, 'LOGIN_FAILURES_PER_MINUTE', 5, 1, 1000),
    reconcileEveryMs: integer(env, 'RECONCILE_EVERY_MS', 60_000, 1000, 86_400_000),
    database: {
      connectTimeoutMs: integer(env, 'DB_CONNECT_TIMEOUT_MS', 5000, 100, 120_000),
      statementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 5000, 100, 3_600_000),
      idleInTransactionTimeoutMs: integer(
        env,
        'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS',
        10_000,
        100,
        3_600_000,
      ),
    },
    redisCommandTimeoutMs: integer(env, 'REDIS_COMMAND_TIMEOUT_MS', 2000, 50, 60_000),
    webDir: resolve(optional(env, 'WEB_DIR') ?? './dist/web'),
    workerHealthPort: healthPort,
    demo: boolean(env, 'SALT_DEMO', false),
    metrics,
    audit: auditLogConfig(env, storageDir),
  };
}
