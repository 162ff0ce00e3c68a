import { Injectable } from '@nestjs/common';
import { QueueProducer } from '../queue/queue.producer';
import { QueueName } from '../queue/queue-names';
import { Reconciler } from '../queue/reconciler.decorator';
import { ImportsRepository } from './imports.repository';
import { PhotoSetsRepository } from './photo-sets.repository';

/** Sets still processing and imports still running must have a job, whatever Redis forgot. */
@Injectable()
export class PhotoSetsReconciler {
  constructor(
    private readonly sets: PhotoSetsRepository,
    private readonly imports: ImportsRepository,
  ) {}

  @Reconciler('ingest')
  async reconcileIngest(producer: QueueProducer): Promise<number> {
    let count = 0;
    for (const set of await this.sets.processingSets()) {
      const outcome = await producer.ensure(
        QueueName.Ingest,
        set.id,
        { photoSetId: set.id },
        { version: set.revision },
      );
      if (outcome !== 'pending') count++;
    }
    return count;
  }

  @Reconciler('import')
  async reconcileImports(producer: QueueProducer): Promise<number> {
    let count = 0;
    for (const row of await this.imports.pending()) {
      const outcome = await producer.ensure(QueueName.Import, row.id, { importId: row.id });
      if (outcome !== 'pending') count++;
    }
    return count;
  }
}
