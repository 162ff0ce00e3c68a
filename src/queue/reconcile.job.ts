import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { DecoratedMethod, findDecoratedMethods } from '../common/decorated-methods';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { QueueProducer } from './queue.producer';
import { QueueName } from './queue-names';
import { RECONCILER } from './reconciler.decorator';

/**
 * Postgres is the truth and Redis only carries work: every minute this job re-enqueues whatever
 * the database says is pending, so a flushed or restarted Redis loses nothing. What is pending is
 * each feature's @Reconciler() methods' answer.
 */
@Processor(QueueName.Reconcile)
export class ReconcileProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(ReconcileProcessor.name);
  private scheduleCheck?: NodeJS.Timeout;
  private reconcilers?: DecoratedMethod<string>[];

  constructor(
    private readonly producer: QueueProducer,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.declareSchedule();
    // The schedule itself lives in Redis: a FLUSHALL or a Redis restart without persistence
    // would end reconciliation for good. A local timer puts it back when it has gone missing.
    this.scheduleCheck = setInterval(() => {
      void this.restoreSchedule().catch(() => undefined);
    }, this.config.reconcileEveryMs);
    this.scheduleCheck.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.scheduleCheck);
  }

  private async restoreSchedule(): Promise<void> {
    const queue = this.producer.queue(QueueName.Reconcile);
    if (await queue.getJobScheduler('reconcile-every-interval')) return;
    this.logger.warn('the reconcile schedule was missing from Redis; declaring it again');
    await this.declareSchedule();
  }

  private async declareSchedule(): Promise<void> {
    // upsert is idempotent, so every worker process may declare the same schedule.
    await this.producer.queue(QueueName.Reconcile).upsertJobScheduler(
      'reconcile-every-interval',
      { every: this.config.reconcileEveryMs },
      {
        name: QueueName.Reconcile,
        data: {},
        opts: { removeOnComplete: true, removeOnFail: 100 },
      },
    );
  }

  async process(): Promise<Record<string, number>> {
    // Found on first use: BullMQ may hand over a job before the application finished booting.
    this.reconcilers ??= findDecoratedMethods<string>(
      this.discovery,
      this.scanner,
      this.reflector,
      RECONCILER,
    );
    const result: Record<string, number> = {};
    for (const reconciler of this.reconcilers) {
      result[reconciler.metadata] = (await reconciler.call(this.producer)) as number;
    }
    const total = Object.values(result).reduce((sum, n) => sum + n, 0);
    if (total > 0) this.logger.warn({ result }, 're-enqueued work that Redis had lost');
    return result;
  }
}
