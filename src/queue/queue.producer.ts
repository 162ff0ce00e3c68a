import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Provider } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { jobId } from './job-id';
import { ALL_QUEUES, JobPayload, QueueName } from './queue-names';

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  // Completed jobs go at once so a later, legitimate re-run with the same id is not ignored;
  // failed ones stay a week for inspection (the reconciler retries them).
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

export interface EnqueueOptions {
  /** Distinguishes repeated rounds of work on the same entity. */
  version?: string | number;
  delay?: number;
}

const QUEUES = Symbol('QUEUES');

/** Every queue of ALL_QUEUES by name, injected once (BullModule.registerQueue provides each). */
export const QUEUES_PROVIDER: Provider = {
  provide: QUEUES,
  inject: ALL_QUEUES.map((name) => getQueueToken(name)),
  useFactory: (...queues: Queue[]): ReadonlyMap<QueueName, Queue> =>
    new Map(ALL_QUEUES.map((name, index) => [name, queues[index]])),
};

/** The one way work enters the queues: deterministic ids, retries and retention set here. */
@Injectable()
export class QueueProducer {
  constructor(@Inject(QUEUES) private readonly queues: ReadonlyMap<QueueName, Queue>) {}

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`unknown queue ${name}`);
    return queue;
  }

  async enqueue<Q extends QueueName>(
    queue: Q,
    entityId: string,
    payload: JobPayload[Q],
    options: EnqueueOptions = {},
  ): Promise<string> {
    const id = jobId(queue, entityId, options.version);
    await this.queue(queue).add(queue, payload, {
      ...DEFAULT_JOB_OPTIONS,
      jobId: id,
      delay: options.delay,
    });
    return id;
  }

  /**
   * Makes sure a job for this entity is pending: adds it, or retries it if a previous attempt
   * exhausted its retries. The reconciler uses this after Redis lost or failed work.
   */
  async ensure<Q extends QueueName>(
    queue: Q,
    entityId: string,
    payload: JobPayload[Q],
    options: EnqueueOptions = {},
  ): Promise<'added' | 'retried' | 'pending'> {
    const id = jobId(queue, entityId, options.version);
    const existing = await this.queue(queue).getJob(id);
    if (!existing) {
      await this.enqueue(queue, entityId, payload, options);
      return 'added';
    }
    const state = await existing.getState();
    if (state === 'failed') {
      await existing.retry('failed');
      return 'retried';
    }
    if (state === 'completed') {
      await existing.remove();
      await this.enqueue(queue, entityId, payload, options);
      return 'added';
    }
    return 'pending';
  }
}
