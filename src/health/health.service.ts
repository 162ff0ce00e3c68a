import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RedisClient } from '../queue/redis.provider';
import { PHOTO_STORAGE, PhotoStorage } from '../storage/photo-storage';

export type Dependency = 'up' | 'down';

/** GET /health: the database and Redis (kept as it was for existing probes and scripts). */
export interface HealthReport {
  status: 'ok' | 'error';
  db: Dependency;
  redis: Dependency;
}

/** GET /health/live: the process is up and its event loop answers; no dependency is asked. */
export interface LivenessReport {
  status: 'ok';
}

/** GET /health/ready: every dependency a request or job needs, each by name. */
export interface ReadinessReport extends HealthReport {
  storage: Dependency;
}

const CHECK_TIMEOUT_MS = 1500;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}

/** Up when the check answers within the time limit; the reason it failed is not reported. */
function probe(check: () => Promise<unknown>): Promise<Dependency> {
  return within(check(), CHECK_TIMEOUT_MS).then(
    (): Dependency => 'up',
    (): Dependency => 'down',
  );
}

/**
 * Liveness and readiness, for orchestrators (docs/operations.md, "Health probes"). Liveness asks
 * nothing of the dependencies: a database outage must not get every process restarted, only
 * taken out of rotation until it is back.
 */
@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly client: RedisClient,
    @Inject(PHOTO_STORAGE) private readonly storage: PhotoStorage,
  ) {}

  live(): LivenessReport {
    return { status: 'ok' };
  }

  async check(): Promise<HealthReport> {
    const [db, redis] = await Promise.all([this.db(), this.redis()]);
    return { status: db === 'up' && redis === 'up' ? 'ok' : 'error', db, redis };
  }

  async ready(): Promise<ReadinessReport> {
    const [db, redis, storage] = await Promise.all([
      this.db(),
      this.redis(),
      probe(() => this.storage.probe()),
    ]);
    const ok = db === 'up' && redis === 'up' && storage === 'up';
    return { status: ok ? 'ok' : 'error', db, redis, storage };
  }

  private db(): Promise<Dependency> {
    return probe(() => this.dataSource.query('SELECT 1'));
  }

  private redis(): Promise<Dependency> {
    return probe(() => this.client.redis.ping());
  }
}
