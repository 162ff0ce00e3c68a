import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobPayload, QueueName } from '../queue/queue-names';
import { ImportsService } from './imports.service';

@Processor(QueueName.Import)
export class ImportProcessor extends WorkerHost {
  constructor(private readonly imports: ImportsService) {
    super();
  }

  process(job: Job<JobPayload[QueueName.Import]>): Promise<string> {
    return this.imports.run(job.data.importId);
  }
}
