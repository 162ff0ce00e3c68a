import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobPayload, QueueName } from '../queue/queue-names';
import { READ_JOB_WORKER_OPTIONS } from '../queue/worker-options';
import { AssignmentService, AssignOutcome } from './assignment.service';

/** Gives a ready photo set to two raters. Idempotent: see AssignmentService.assign. */
@Processor(QueueName.Assign, READ_JOB_WORKER_OPTIONS)
export class AssignProcessor extends WorkerHost {
  constructor(private readonly assignment: AssignmentService) {
    super();
  }

  process(job: Job<JobPayload[QueueName.Assign]>): Promise<AssignOutcome> {
    return this.assignment.assign(job.data.photoSetId);
  }
}
