import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobPayload, QueueName } from '../queue/queue-names';
import { QueriesService } from './queries.service';

/**
 * Re-encodes an image query's replacement and, in the same commit, sends the set back to its
 * pair. Image work like ingest's: two at a time, a short lock so another worker takes over soon
 * after this one dies; the service's conditional checks make a second run do nothing.
 */
@Processor(QueueName.QueryReplacement, {
  concurrency: 2,
  lockDuration: 15_000,
  stalledInterval: 10_000,
})
export class QueryReplacementProcessor extends WorkerHost {
  constructor(private readonly queries: QueriesService) {
    super();
  }

  process(job: Job<JobPayload[QueueName.QueryReplacement]>): Promise<'done' | 'skipped'> {
    return this.queries.processReplacement(job.data.imageQueryId);
  }
}
