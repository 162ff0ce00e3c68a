import { Processor, WorkerHost } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { QueueProducer } from './queue.producer';
import { QueueName } from './queue-names';

/**
 * A feature's answer to "what does the database say is pending?": it re-enqueues each pending
 * item through QueueProducer.ensure and returns how many it had to add or retry.
 */
export type Reconciler = (producer: QueueProducer) => Promise<number>;

/** Features register their reconcilers here at start-up. */
@Injectable()
export class ReconcileRegistry {
  private readonly reconcilers = new Map<string, Reconciler>();

  register(name: string, reconciler: Reconciler): void {
    this.reconcilers.set(name, reconciler);
  }

  async runAll(producer: QueueProducer): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const [name, reconciler] of this.reconcilers) result[name] = await reconciler(producer);
    return result;
  }
}

/**
 * Postgres is the truth and Redis only carries work: every minute this job re-enqueues whatever
 * the database says is pending, so a flushed or restarted Redis loses nothing.
 */
@Processor(QueueName.Reconcile)
export class ReconcileProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(ReconcileProcessor.name);
  private scheduleCheck?: NodeJS.Timeout;

  constructor(
    private readonly registry: ReconcileRegistry,
    private readonly producer: QueueProducer,
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
    const result = await this.registry.runAll(this.producer);
    const total = Object.values(result).reduce((sum, n) => sum + n, 0);
    if (total > 0) this.logger.warn({ result }, 're-enqueued work that Redis had lost');
    return result;
  }
}
