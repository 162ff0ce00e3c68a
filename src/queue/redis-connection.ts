import type { RedisOptions } from 'bullmq';
import { Cluster, ClusterOptions } from 'ioredis';
import { RedisClusterConfig } from '../config/redis-config';

/** Connection options for BullMQ from a redis:// or rediss:// URL. */
export function redisConnectionOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    // BullMQ workers block on Redis; they must not give up on a command while Redis restarts.
    maxRetriesPerRequest: null,
  };
}

type NodeOptions = NonNullable<ClusterOptions['redisOptions']>;

/**
 * An ioredis Cluster from REDIS_CLUSTER_NODES. `node` applies to every connection the client
 * opens to a node (timeouts, retries); credentials and TLS come from the configuration.
 */
export function createRedisCluster(
  cluster: RedisClusterConfig,
  options: Omit<ClusterOptions, 'redisOptions'> & { node: NodeOptions },
): Cluster {
  const { node, ...clusterOptions } = options;
  return new Cluster(cluster.nodes, {
    ...clusterOptions,
    redisOptions: {
      ...node,
      username: cluster.username,
      password: cluster.password,
      tls: cluster.tls ? {} : undefined,
    },
  });
}

/**
 * BullMQ's connection. One Redis: options, and BullMQ opens and closes a connection per queue
 * and worker. A cluster: BullMQ takes only an ioredis Cluster instance (it would build a plain
 * Redis from options), which queues share and each worker duplicates for its blocking reads;
 * its owner must close it (QueueConnection).
 */
export function bullConnection(config: {
  redisUrl: string;
  redisCluster?: RedisClusterConfig;
}): RedisOptions | Cluster {
  if (!config.redisCluster) return redisConnectionOptions(config.redisUrl);
  // As for one Redis: blocked workers wait out a failover instead of failing their command.
  return createRedisCluster(config.redisCluster, { node: { maxRetriesPerRequest: null } });
}
