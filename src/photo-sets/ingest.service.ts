import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import { TransactionService } from '../database/transaction.service';
import { DomainEvents } from '../events/domain-events.service';
import {
  deleteQuietly,
  newStorageKey,
  PHOTO_STORAGE,
  PhotoStorage,
  StorageObjectMissing,
} from '../storage/photo-storage';
import { prepareImage, PreparedImage } from './image-pipeline';
import { ImportsRepository } from './imports.repository';
import { ImageRow, PhotoSetsRepository } from './photo-sets.repository';

export type IngestOutcome = 'ready' | 'rejected' | 'skipped' | 'superseded';

interface Attempt {
  image: ImageRow;
  keys: { full: string; display: string; thumb: string };
  prepared?: PreparedImage;
}

/**
 * Prepares a processing set's images. Safe to run twice, concurrently, or after a crash:
 * renditions go to fresh random keys listed in the set's staged_keys first; only the commit that
 * wins the conditional `status = 'processing'` update makes them live, and a later attempt
 * deletes whatever an earlier, unfinished one left behind.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly sets: PhotoSetsRepository,
    private readonly imports: ImportsRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    @Inject(PHOTO_STORAGE) private readonly storage: PhotoStorage,
  ) {}

  async ingest(photoSetId: string): Promise<IngestOutcome> {
    const claim = await this.claim(photoSetId);
    // A previous attempt committed 'ready' but may have died before its handlers' after-commit
    // work ran: the claim published 'photo-set.ready' again, which is idempotent.
    if (claim === 'ready') return 'skipped';
    if (!claim) return 'skipped';
    await deleteQuietly(this.storage, claim.leftovers);

    for (const attempt of claim.attempts) {
      const original = await this.readOriginal(attempt.image.originalKey);
      attempt.prepared = original
        ? await prepareImage(original)
        : { ok: false, reason: 'the stored original is missing; upload the view again' };
      if (attempt.prepared.ok) {
        await this.storage.put(attempt.keys.full, attempt.prepared.full.bytes);
        await this.storage.put(attempt.keys.display, attempt.prepared.display.bytes);
        await this.storage.put(attempt.keys.thumb, attempt.prepared.thumb.bytes);
      }
    }

    const outcome = await this.commit(photoSetId, claim.attempts);
    if (outcome === 'superseded') {
      await deleteQuietly(
        this.storage,
        claim.attempts.flatMap((a) => Object.values(a.keys)),
      );
    }
    return outcome;
  }

  /** Records this attempt's keys before any file is written, so a crash leaves no unknown file. */
  private async claim(
    photoSetId: string,
  ): Promise<{ attempts: Attempt[]; leftovers: string[] } | 'ready' | null> {
    return this.tx.run(async (tx) => {
      const set = await this.sets.lockSet(tx, photoSetId);
      if (!set) return null;
      if (set.status === 'ready') {
        await this.events.publish(tx, 'photo-set.ready', { photoSetId });
        return 'ready';
      }
      if (set.status !== 'processing') return null;
      const pending = (await this.sets.images([photoSetId], tx)).filter(
        (image) => image.status === 'pending',
      );
      const attempts = pending.map((image) => ({
        image,
        keys: {
          full: newStorageKey('renditions'),
          display: newStorageKey('renditions'),
          thumb: newStorageKey('renditions'),
        },
      }));
      const leftovers = await this.sets.swapStagedKeys(
        tx,
        photoSetId,
        attempts.flatMap((a) => Object.values(a.keys)),
      );
      return { attempts, leftovers };
    });
  }

  private async commit(photoSetId: string, attempts: Attempt[]): Promise<IngestOutcome> {
    return this.tx.run(async (tx) => {
      const set = await this.sets.lockSet(tx, photoSetId);
      const ours = attempts.flatMap((a) => Object.values(a.keys));
      // Another attempt (or a replacement) took over since our claim: its state wins.
      if (
        !set ||
        set.status !== 'processing' ||
        !ours.every((key) => set.stagedKeys.includes(key))
      ) {
        if (set) await this.sets.removeStagedKeys(tx, photoSetId, ours);
        return 'superseded';
      }
      const rejections: { view: string; reason: string }[] = [];
      for (const { image, keys, prepared } of attempts) {
        if (!prepared) throw new Error('attempt was not prepared');
        const changed = prepared.ok
          ? await this.sets.markImageReady(tx, image.id, {
              fullKey: keys.full,
              displayKey: keys.display,
              thumbKey: keys.thumb,
              width: prepared.full.width,
              height: prepared.full.height,
              etag: prepared.full.sha256,
              displayEtag: prepared.display.sha256,
              thumbEtag: prepared.thumb.sha256,
            })
          : await this.sets.markImageRejected(tx, image.id, prepared.reason);
        if (!changed) {
          await this.sets.removeStagedKeys(tx, photoSetId, ours);
          return 'superseded';
        }
        if (!prepared.ok) rejections.push({ view: image.view, reason: prepared.reason });
      }
      // Views rejected by an earlier attempt of the same revision count too.
      const all = await this.sets.images([photoSetId], tx);
      for (const image of all) {
        if (image.status === 'rejected' && !rejections.some((r) => r.view === image.view)) {
          rejections.push({ view: image.view, reason: image.reason ?? 'rejected' });
        }
      }
      const status = rejections.length ? 'rejected' : 'ready';
      if (!(await this.sets.finishProcessing(tx, photoSetId, status))) return 'superseded';
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: status === 'ready' ? AuditAction.SetReady : AuditAction.SetRejected,
        entityType: 'photo-set',
        entityId: photoSetId,
        studyId: set.studyId,
        before: { status: 'processing' },
        after: {
          status,
          revision: set.revision,
          ...(rejections.length && { rejectionReasons: rejections }),
          images: all.map((image) => ({ view: image.view, status: image.status })),
        },
      });
      if (set.importId) await this.recordImportProgress(tx, set.importId, set.studyId);
      if (status === 'ready') await this.events.publish(tx, 'photo-set.ready', { photoSetId });
      return status;
    });
  }

  private async recordImportProgress(
    tx: EntityManager,
    importId: string,
    studyId: string,
  ): Promise<void> {
    if (!(await this.imports.lock(tx, importId))) return;
    const progress = await this.imports.refreshProgress(tx, importId);
    if (progress.completedNow) {
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: AuditAction.ImportCompleted,
        entityType: 'import',
        entityId: importId,
        studyId,
        after: { status: 'completed', total: progress.total, processed: progress.processed },
      });
    }
  }

  private async readOriginal(key: string): Promise<Buffer | null> {
    try {
      return await this.storage.get(key);
    } catch (error) {
      if (error instanceof StorageObjectMissing) return null;
      throw error;
    }
  }
}
