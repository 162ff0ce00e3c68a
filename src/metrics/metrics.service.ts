import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DomainMetrics } from './domain-metrics';
import { MetricsRegistry } from './metrics.registry';
import { QueueMetrics } from './queue-metrics';

/** A scrape must answer within Prometheus' default 10 s timeout even when a source hangs. */
const SOURCE_TIMEOUT_MS = 3000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}

export interface Exposition {
  contentType: string;
  body: string;
}

/** Renders the registry, after reading the figures that are counted at scrape time. */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger('Metrics');
  private readonly sourceUp: Gauge<'source'>;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly queues: QueueMetrics,
    private readonly domain: DomainMetrics,
  ) {
    this.sourceUp = new Gauge({
      name: 'salt_metrics_source_up',
      help: '1 if this scrape could read the source (postgres, redis), 0 if it failed or timed out',
      labelNames: ['source'],
      registers: [metrics.registry],
    });
  }

  async render(): Promise<Exposition> {
    await Promise.all([
      this.refresh(
        'redis',
        () => this.queues.collect(),
        () => this.queues.forget(),
      ),
      this.refresh(
        'postgres',
        () => this.domain.collect(),
        () => this.domain.forget(),
      ),
    ]);
    return {
      contentType: this.metrics.registry.contentType,
      body: await this.metrics.registry.metrics(),
    };
  }

  private async refresh(
    source: 'redis' | 'postgres',
    collect: () => Promise<void>,
    forget: () => void,
  ): Promise<void> {
    try {
      await within(collect(), SOURCE_TIMEOUT_MS);
      this.sourceUp.set({ source }, 1);
    } catch (error) {
      forget();
      this.sourceUp.set({ source }, 0);
      this.logger.warn(
        { source, err: error instanceof Error ? error.message : String(error) },
        'metrics source unavailable',
      );
    }
  }
}
