import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobPayload, QueueName } from '../queue/queue-names';
import { AssignmentService, AssignOutcome } from './assignment.service';

/** Gives a ready photo set to two raters. Idempotent: see AssignmentService.assign. */
@Processor(QueueName.Assign, { concurrency: 4 })
export class AssignProcessor extends WorkerHost {
  constructor(private readonly assignment: AssignmentService) {
    super();
  }

  process(job: Job<JobPayload[QueueName.Assign]>): Promise<AssignOutcome> {
    return this.assignment.assign(job.data.photoSetId);
  }
}
