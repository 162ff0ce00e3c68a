import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Job, Worker } from 'bullmq';
import { Gauge, Histogram } from 'prom-client';
import { ALL_QUEUES } from '../queue/queue-names';
import { QueueProducer } from '../queue/queue.producer';
import { MetricsRegistry } from './metrics.registry';

/** The job states an operator watches: work piling up, running, waiting out a backoff, given up. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Per queue: how many jobs sit in each state (read from Redis when scraped, so every process
 * reports the same, cluster-wide figure), and how long this process's workers took per job.
 */
@Injectable()
export class QueueMetrics implements OnApplicationBootstrap {
  private readonly jobs: Gauge<'queue' | 'state'>;
  private readonly duration: Histogram<'queue' | 'outcome'>;

  constructor(
    metrics: MetricsRegistry,
    private readonly producer: QueueProducer,
    private readonly discovery: DiscoveryService,
  ) {
    this.jobs = new Gauge({
      name: 'salt_queue_jobs',
      help: 'Jobs in a BullMQ queue by state (waiting, active, delayed, failed), read from Redis at scrape time',
      labelNames: ['queue', 'state'],
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'salt_queue_job_duration_seconds',
      help: 'Time a worker of this process spent on one job attempt, by queue and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [metrics.registry],
    });
  }

  /** Job counts of every queue, in one round trip per queue. */
  async collect(): Promise<void> {
    const counts = await Promise.all(
      ALL_QUEUES.map((name) => this.producer.queue(name).getJobCounts(...QUEUE_STATES)),
    );
    ALL_QUEUES.forEach((queue, index) => {
      for (const state of QUEUE_STATES) this.jobs.set({ queue, state }, counts[index][state] ?? 0);
    });
  }

  /** Redis could not be read: no figure is better than a stale one. */
  forget(): void {
    this.jobs.reset();
  }

  /** In a process that runs workers (SALT_ROLE worker or all), times every job they finish. */
  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!(instance instanceof WorkerHost)) continue;
      const worker = instance.worker as Worker;
      const observe = (job: Job | undefined, outcome: 'completed' | 'failed'): void => {
        if (typeof job?.processedOn !== 'number') return;
        // An attempt that will be retried has no finishedOn: it ends now, as the event fires.
        const finished = typeof job.finishedOn === 'number' ? job.finishedOn : Date.now();
        const seconds = Math.max(0, finished - job.processedOn) / 1000;
        this.duration.observe({ queue: worker.name, outcome }, seconds);
      };
      worker.on('completed', (job: Job) => observe(job, 'completed'));
      worker.on('failed', (job: Job | undefined) => observe(job, 'failed'));
    }
  }
}
