import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditActor, AuditService } from '../audit/audit.service';
import { TransactionService } from '../database/transaction.service';
import {
  deleteQuietly,
  newStorageKey,
  PHOTO_STORAGE,
  PhotoStorage,
  StorageObjectMissing,
} from '../storage/photo-storage';
import { prepareImage, PreparedImage } from './image-pipeline';
import { View } from './photo-set.entity';
import { ImageRow, NewImage, PhotoSetsRepository } from './photo-sets.repository';

/** What a replacement's processing found, handed to the caller inside its commit. */
export interface ReplacementOutcome {
  ready: View[];
  rejected: { view: View; reason: string }[];
}

/** Thrown inside the commit to roll it back: the work is no longer wanted. */
class Superseded extends Error {}

interface Attempt {
  image: ImageRow;
  keys: { full: string; display: string; thumb: string };
  prepared?: PreparedImage;
}

/**
 * One view's image replaced after reading began (an image query's answer). The earlier image is
 * kept as a version, stored and restricted; the new original goes through the same re-encoding
 * as an upload (image-pipeline.ts), in the background, with the same crash safety as ingest:
 * renditions go to fresh keys listed in the set's staged_keys before any file is written, and
 * only the commit that still finds them there makes them live.
 */
@Injectable()
export class ImageReplacementService {
  constructor(
    private readonly sets: PhotoSetsRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    @Inject(PHOTO_STORAGE) private readonly storage: PhotoStorage,
  ) {}

  /**
   * In the caller's transaction, with the set locked: each staged original becomes the view's
   * new pending image, and the one it replaces an earlier version. Audited on the set.
   */
  async replace(
    tx: EntityManager,
    set: { id: string; studyId: string },
    staged: NewImage[],
    queryId: string,
    actor: AuditActor,
  ): Promise<void> {
    for (const image of staged) {
      const { version, earlier } = await this.sets.archiveAndReplaceImage(
        tx,
        set.id,
        image,
        queryId,
      );
      await this.audit.record(tx, {
        actor,
        action: AuditAction.ImageVersioned,
        entityType: 'photo-set',
        entityId: set.id,
        studyId: set.studyId,
        before: { view: image.view, version: earlier.version, sha256: earlier.originalSha256 },
        after: {
          photoSetId: set.id,
          imageQueryId: queryId,
          view: image.view,
          version,
          sha256: image.originalSha256,
          bytes: image.originalBytes,
          status: 'pending',
          earlierVersionKept: true,
        },
      });
    }
  }

  /**
   * Re-encodes the set's pending images. `commit` runs inside the transaction that makes them
   * ready (or rejected) and decides what the set does next; it returns false when the work is
   * no longer wanted (answered otherwise, or processed already), and nothing changes then.
   */
  async process(
    photoSetId: string,
    commit: (tx: EntityManager, outcome: ReplacementOutcome) => Promise<boolean>,
  ): Promise<'done' | 'skipped'> {
    const claim = await this.claim(photoSetId);
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
    const ours = claim.attempts.flatMap((a) => Object.values(a.keys));
    try {
      await this.tx.run(async (tx) => {
        const set = await this.sets.lockSet(tx, photoSetId);
        if (!set || !ours.every((key) => set.stagedKeys.includes(key))) throw new Superseded();
        const outcome: ReplacementOutcome = { ready: [], rejected: [] };
        for (const { image, keys, prepared } of claim.attempts) {
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
          if (!changed) throw new Superseded();
          if (prepared.ok) outcome.ready.push(image.view);
          else outcome.rejected.push({ view: image.view, reason: prepared.reason });
        }
        await this.sets.removeStagedKeys(tx, photoSetId, ours);
        if (!(await commit(tx, outcome))) throw new Superseded();
      });
    } catch (error) {
      if (!(error instanceof Superseded)) throw error;
      await deleteQuietly(this.storage, ours);
      return 'skipped';
    }
    return 'done';
  }

  private async claim(
    photoSetId: string,
  ): Promise<{ attempts: Attempt[]; leftovers: string[] } | null> {
    return this.tx.run(async (tx) => {
      const set = await this.sets.lockSet(tx, photoSetId);
      if (!set || set.status !== 'query') return null;
      const pending = (await this.sets.images([photoSetId], tx)).filter(
        (image) => image.status === 'pending',
      );
      if (!pending.length) return null;
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

  private async readOriginal(key: string): Promise<Buffer | null> {
    try {
      return await this.storage.get(key);
    } catch (error) {
      if (error instanceof StorageObjectMissing) return null;
      throw error;
    }
  }
}
