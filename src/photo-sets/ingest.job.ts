import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobPayload, QueueName } from '../queue/queue-names';
import { IngestOutcome, IngestService } from './ingest.service';

/**
 * Re-encodes an uploaded set. Image work runs in libuv's thread pool, so two at a time keep a
 * core busy without starving the event loop that renews job locks. A short lock lets another
 * worker take over soon after this one is killed.
 */
@Processor(QueueName.Ingest, { concurrency: 2, lockDuration: 15_000, stalledInterval: 10_000 })
export class IngestProcessor extends WorkerHost {
  constructor(private readonly ingest: IngestService) {
    super();
  }

  process(job: Job<JobPayload[QueueName.Ingest]>): Promise<IngestOutcome> {
    return this.ingest.ingest(job.data.photoSetId);
  }
}
