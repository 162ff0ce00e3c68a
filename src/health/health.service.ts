import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RedisClient } from '../queue/redis.provider';

export type Dependency = 'up' | 'down';

export interface HealthReport {
  status: 'ok' | 'error';
  db: Dependency;
  redis: Dependency;
}

const CHECK_TIMEOUT_MS = 1500;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}

@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly client: RedisClient,
  ) {}

  async check(): Promise<HealthReport> {
    const [db, redis] = await Promise.all([
      within(this.dataSource.query('SELECT 1'), CHECK_TIMEOUT_MS).then(
        (): Dependency => 'up',
        (): Dependency => 'down',
      ),
      within(this.client.redis.ping(), CHECK_TIMEOUT_MS).then(
        (): Dependency => 'up',
        (): Dependency => 'down',
      ),
    ]);
    return { status: db === 'up' && redis === 'up' ? 'ok' : 'error', db, redis };
  }
}
