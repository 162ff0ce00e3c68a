import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PHOTO_STORAGE, PhotoStorage } from './photo-storage';
import { StorageReferencesRepository, sweepBlockers } from './storage-references.repository';

export interface SweepResult {
  /** Objects the store listed. */
  scanned: number;
  /** Younger than the grace period: possibly a put whose row is about to commit. */
  young: number;
  /** Old enough, but a row refers to them. */
  referenced: number;
  deleted: number;
}

const BATCH = 1000;

/**
 * Removes stored objects that no row refers to and that are older than the grace period
 * (ORPHAN_GRACE_HOURS, a day by default).
 *
 * Why orphans exist: a file is stored before the row that refers to it commits (the bytes must be
 * safe first), so a crash in between leaves a file nobody refers to. Such a file is never served
 * (images are only ever opened through a row's key) but it holds a patient's photo, so it must
 * not stay. Why the grace period: a file younger than it may belong to a transaction that has
 * not committed yet. Why it is safe: every key column is consulted in one snapshot
 * (storage-references.ts), and the sweep refuses to run while the schema has a key-like column
 * that list does not know.
 */
@Injectable()
export class OrphanSweeper {
  private readonly logger = new Logger(OrphanSweeper.name);

  constructor(
    @Inject(PHOTO_STORAGE) private readonly storage: PhotoStorage,
    private readonly references: StorageReferencesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sweep(now: Date = new Date()): Promise<SweepResult> {
    const blockers = sweepBlockers(await this.references.keyLikeColumns());
    if (blockers.length) {
      throw new Error(
        `storage sweep refused, nothing deleted: ${blockers.join('; ')} ` +
          '(STORAGE_KEY_COLUMNS in src/storage/storage-references.ts)',
      );
    }
    const cutoff = now.getTime() - this.config.orphanGraceHours * 3_600_000;
    const result: SweepResult = { scanned: 0, young: 0, referenced: 0, deleted: 0 };
    let batch: string[] = [];
    for await (const object of this.storage.list()) {
      result.scanned++;
      if (object.lastModified.getTime() > cutoff) {
        result.young++;
        continue;
      }
      batch.push(object.key);
      if (batch.length >= BATCH) {
        await this.removeUnreferenced(batch, result);
        batch = [];
      }
    }
    await this.removeUnreferenced(batch, result);
    if (result.deleted) this.logger.log({ msg: 'removed orphaned storage objects', result });
    return result;
  }

  private async removeUnreferenced(keys: string[], result: SweepResult): Promise<void> {
    if (!keys.length) return;
    const referenced = await this.references.referenced(keys);
    for (const key of keys) {
      if (referenced.has(key)) {
        result.referenced++;
        continue;
      }
      // Keys are random and say nothing about the photo, so naming them is safe and lets an
      // operator match a deletion to a backup.
      await this.storage.delete(key);
      this.logger.log({ msg: 'removed an orphaned storage object', key });
      result.deleted++;
    }
  }
}
