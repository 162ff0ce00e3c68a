import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { QueueProducer } from '../queue/queue.producer';
import { QueueName } from '../queue/queue-names';
import { Reconciler } from '../queue/reconciler.decorator';
import { OrphanSweeper, SweepResult } from './orphan-sweeper';

export const SWEEP_SCHEDULE_ID = 'sweep-storage-every-interval';

/**
 * Runs the orphan sweep every STORAGE_SWEEP_EVERY_MS in whichever worker takes the job. The
 * schedule lives in Redis; the reconcile job declares it again if Redis lost it.
 */
@Processor(QueueName.SweepStorage)
export class SweepStorageProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(SweepStorageProcessor.name);

  constructor(
    private readonly sweeper: OrphanSweeper,
    private readonly producer: QueueProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.declareSchedule();
  }

  @Reconciler('storage-sweep-schedule')
  async restoreSchedule(producer: QueueProducer): Promise<number> {
    if (await producer.queue(QueueName.SweepStorage).getJobScheduler(SWEEP_SCHEDULE_ID)) return 0;
    await this.declareSchedule();
    return 1;
  }

  private async declareSchedule(): Promise<void> {
    // upsert is idempotent, so every worker process may declare the same schedule.
    await this.producer.queue(QueueName.SweepStorage).upsertJobScheduler(
      SWEEP_SCHEDULE_ID,
      { every: this.config.storageSweepEveryMs },
      {
        name: QueueName.SweepStorage,
        data: {},
        opts: { removeOnComplete: true, removeOnFail: 100 },
      },
    );
  }

  async process(): Promise<SweepResult> {
    try {
      return await this.sweeper.sweep();
    } catch (error) {
      // Logged for the operator, then left to BullMQ, which records the failed job; the next
      // interval tries again.
      this.logger.error({ msg: 'the storage sweep failed', err: error });
      throw error;
    }
  }
}
