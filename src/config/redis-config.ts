import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/** A Redis Cluster from REDIS_CLUSTER_NODES; see docs/operations.md, "Redis Cluster". */
export interface RedisClusterConfig {
  /** Seed nodes: the client learns the rest of the cluster (and its slots) from any of them. */
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  tls: boolean;
}

const NODES = 'REDIS_CLUSTER_NODES';

/**
 * The part of a key Redis Cluster hashes to choose its slot: the text between the first `{` and
 * the next `}`, when that is not empty; otherwise the whole key.
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

/** One seed node: `host:port`, or a redis:// / rediss:// URL carrying credentials. */
function parseNode(entry: string, position: number): URL {
  // Errors name the entry's position, never its text: a URL may carry a password.
  const where = `entry ${position}`;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `redis://${entry}`);
  } catch {
    throw new ConfigError(NODES, `${where} is not host:port or a redis:// URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(NODES, `${where} must be host:port or start with redis:// or rediss://`);
  }
  if (!url.hostname) throw new ConfigError(NODES, `${where} has no host`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) {
    throw new ConfigError(NODES, `${where}: a cluster has only database 0; give host:port only`);
  }
  return url;
}

/**
 * REDIS_CLUSTER_NODES=host:port,host:port,… selects Redis Cluster. BullMQ runs a queue's Lua
 * scripts over many keys at once, and a cluster refuses that unless the keys share a slot, so
 * the queue prefix must carry a hash tag (app-config.ts defaults it to `{salt}` on a cluster).
 */
export function redisClusterConfig(env: Env, queuePrefix: string): RedisClusterConfig | undefined {
  const raw = env[NODES]?.trim();
  if (!raw) return undefined;
  if (env.REDIS_URL?.trim()) {
    throw new ConfigError(
      NODES,
      'and REDIS_URL are both set: set REDIS_URL for one Redis, or REDIS_CLUSTER_NODES for a cluster',
    );
  }
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => !entry)) {
    throw new ConfigError(
      NODES,
      'must be a comma-separated list of host:port, with no empty entry',
    );
  }
  const urls = entries.map((entry, index) => parseNode(entry, index + 1));
  const [first] = urls;
  if (
    urls.some(
      (url) =>
        url.protocol !== first.protocol ||
        url.username !== first.username ||
        url.password !== first.password,
    )
  ) {
    throw new ConfigError(NODES, 'every node must use the same scheme and credentials');
  }
  if (!hashTagOf(queuePrefix)) {
    throw new ConfigError(
      'QUEUE_PREFIX',
      'must contain a hash tag such as {salt} when REDIS_CLUSTER_NODES is set, so each ' +
        "queue's keys share one cluster slot (e.g. QUEUE_PREFIX={salt})",
    );
  }
  return {
    nodes: urls.map((url) => ({
      // An IPv6 host comes bracketed in a URL; ioredis wants it bare.
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : 6379,
    })),
    username: first.username ? decodeURIComponent(first.username) : undefined,
    password: first.password ? decodeURIComponent(first.password) : undefined,
    tls: first.protocol === 'rediss:',
  };
}
