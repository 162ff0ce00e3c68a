import { Injectable, OnModuleInit } from '@nestjs/common';
import { QueueName } from '../queue/queue-names';
import { ReconcileRegistry } from '../queue/reconcile.job';
import { ImportsRepository } from './imports.repository';
import { PhotoSetsRepository } from './photo-sets.repository';

/** Sets still processing and imports still running must have a job, whatever Redis forgot. */
@Injectable()
export class PhotoSetsReconciler implements OnModuleInit {
  constructor(
    private readonly registry: ReconcileRegistry,
    private readonly sets: PhotoSetsRepository,
    private readonly imports: ImportsRepository,
  ) {}

  onModuleInit(): void {
    this.registry.register('ingest', async (producer) => {
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
    });
    this.registry.register('import', async (producer) => {
      let count = 0;
      for (const row of await this.imports.pending()) {
        const outcome = await producer.ensure(QueueName.Import, row.id, { importId: row.id });
        if (outcome !== 'pending') count++;
      }
      return count;
    });
  }
}
