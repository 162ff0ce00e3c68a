import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobPayload, QueueName } from '../queue/queue-names';
import { READ_JOB_WORKER_OPTIONS } from '../queue/worker-options';
import { EvaluateOutcome, EvaluationService } from './evaluation.service';

/** Compares a set's two reads under the study rule. Idempotent: see EvaluationService. */
@Processor(QueueName.Evaluate, READ_JOB_WORKER_OPTIONS)
export class EvaluateProcessor extends WorkerHost {
  constructor(private readonly evaluation: EvaluationService) {
    super();
  }

  process(job: Job<JobPayload[QueueName.Evaluate]>): Promise<EvaluateOutcome> {
    return this.evaluation.evaluate(job.data.photoSetId);
  }
}
