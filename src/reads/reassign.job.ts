import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobPayload, QueueName } from '../queue/queue-names';
import { READ_JOB_WORKER_OPTIONS } from '../queue/worker-options';
import { AssignmentService, ReassignOutcome } from './assignment.service';

/** Hands an unsubmitted task of a rater who left to another eligible rater. */
@Processor(QueueName.Reassign, READ_JOB_WORKER_OPTIONS)
export class ReassignProcessor extends WorkerHost {
  constructor(private readonly assignment: AssignmentService) {
    super();
  }

  process(job: Job<JobPayload[QueueName.Reassign]>): Promise<ReassignOutcome> {
    return this.assignment.reassign(job.data.readTaskId);
  }
}
