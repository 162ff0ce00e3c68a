import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/auth.repository';
import { actorOf } from '../auth/auth.service';
import { conflict, DomainError, invalid, notFound } from '../common/domain-error';
import { AfterCommit } from '../database/after-commit';
import { TransactionService } from '../database/transaction.service';
import { QueueProducer } from '../queue/queue.producer';
import { QueueName } from '../queue/queue-names';
import { newStorageKey, PHOTO_STORAGE, PhotoStorage } from '../storage/photo-storage';
import { StudiesService } from '../studies/studies.service';
import { isIsoDate, ListPhotoSetsQuery, UploadPhotoSetDto } from './dto/photo-set.dto';
import { RenditionSize } from './photo-image.entity';
import { OpenedRendition, PhotoImagesService } from './photo-images.service';
import { View, VIEWS } from './photo-set.entity';
import { PhotoSetView, toPhotoSetView } from './photo-set.view';
import { NewImage, PhotoSetsRepository } from './photo-sets.repository';
import { UploadedFiles } from './multipart.interceptor';

/** Staff who may see subject, visit and date: the unblinded side of the study. */
const UNBLINDED = ['coordinator', 'auditor'] as const;

/** Replacing images is fine until a rater may have seen them. */
const REPLACEABLE = new Set(['processing', 'rejected', 'ready', 'awaiting-raters']);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw invalid(['cursor is not valid']);
  }
  return { createdAt, id };
}

@Injectable()
export class PhotoSetsService {
  private readonly logger = new Logger(PhotoSetsService.name);

  constructor(
    private readonly sets: PhotoSetsRepository,
    private readonly studies: StudiesService,
    private readonly images: PhotoImagesService,
    private readonly tx: TransactionService,
    private readonly afterCommit: AfterCommit,
    private readonly audit: AuditService,
    private readonly producer: QueueProducer,
    @Inject(PHOTO_STORAGE) private readonly storage: PhotoStorage,
  ) {}

  /** Stores originals (restricted area, SHA-256 recorded) before any row refers to them. */
  async stageOriginals(files: { view: View; bytes: Buffer }[]): Promise<NewImage[]> {
    const staged: NewImage[] = [];
    try {
      for (const file of files) {
        const originalKey = newStorageKey('originals');
        await this.storage.put(originalKey, file.bytes);
        staged.push({
          view: file.view,
          originalKey,
          originalSha256: createHash('sha256').update(file.bytes).digest('hex'),
          originalBytes: file.bytes.length,
        });
      }
    } catch (error) {
      await this.deleteQuietly(staged.map((s) => s.originalKey));
      throw error;
    }
    return staged;
  }

  async upload(
    principal: Principal,
    studyId: string,
    input: UploadPhotoSetDto,
    files: UploadedFiles | undefined,
  ): Promise<{ id: string; status: 'processing' }> {
    await this.studies.requireStudyRole(principal, studyId, ['coordinator']);
    if (input.visitDate !== undefined && !isIsoDate(input.visitDate)) {
      throw invalid(['visitDate is not a real calendar date']);
    }
    const missing = VIEWS.filter((view) => !files?.[view]?.length);
    if (missing.length) {
      throw invalid(
        missing.map((view) => `${view}: the ${view} view is missing; all four views are required`),
      );
    }
    const received = VIEWS.map((view) => ({ view, file: files?.[view]?.[0] }));
    const empty = received.filter(({ file }) => !file?.size).map(({ view }) => view);
    if (empty.length) throw invalid(empty.map((view) => `${view}: the file is empty`));
    const replace = input.replace === true;
    if (!replace) {
      // Cheap early answer; the transaction below checks again under lock.
      const existing = await this.sets.findSetBySubjectVisit(
        studyId,
        input.subjectCode,
        input.visit,
      );
      if (existing) throw conflict('A photo set for this subject and visit already exists');
    }

    const staged = await this.stageOriginals(
      received.map(({ view, file }) => ({ view, bytes: (file as Express.Multer.File).buffer })),
    );
    let result: { id: string; revision: number; removedKeys: string[] };
    try {
      result = await this.tx.run(async (tx) => {
        const stored = await this.createOrReplace(tx, principal, studyId, input, staged, replace);
        // Not awaited by the request: Postgres already holds the set as processing, so an upload
        // succeeds while Redis is down and the reconciler enqueues whatever this misses.
        this.afterCommit.run(tx, () => this.enqueueIngest(stored.id, stored.revision));
        return stored;
      });
    } catch (error) {
      await this.deleteQuietly(staged.map((s) => s.originalKey));
      // Two uploads of one subject+visit racing: the unique constraint lets only one in.
      if ((error as { code?: string }).code === '23505') {
        throw conflict('A photo set for this subject and visit already exists');
      }
      throw error;
    }
    await this.deleteQuietly(result.removedKeys);
    return { id: result.id, status: 'processing' };
  }

  private async createOrReplace(
    tx: EntityManager,
    principal: Principal,
    studyId: string,
    input: UploadPhotoSetDto,
    staged: NewImage[],
    replace: boolean,
  ): Promise<{ id: string; revision: number; removedKeys: string[] }> {
    const subjectId = await this.sets.upsertSubject(tx, studyId, input.subjectCode);
    const existing = await this.sets.findSetBySubjectVisit(
      studyId,
      input.subjectCode,
      input.visit,
      tx,
    );
    const actor = actorOf(principal, principal.roles.includes('admin') ? 'admin' : 'coordinator');
    const after = {
      subjectCode: input.subjectCode,
      visit: input.visit,
      visitDate: input.visitDate ?? null,
      images: staged.map((s) => ({
        view: s.view,
        sha256: s.originalSha256,
        bytes: s.originalBytes,
      })),
    };
    if (!existing) {
      const id = await this.sets.insertSet(tx, {
        studyId,
        subjectId,
        visit: input.visit,
        visitDate: input.visitDate ?? null,
        createdBy: principal.userId,
        importId: null,
      });
      await this.sets.insertImages(tx, id, staged);
      await this.audit.record(tx, {
        actor,
        action: AuditAction.SetUploaded,
        entityType: 'photo-set',
        entityId: id,
        studyId,
        after: { ...after, status: 'processing' },
      });
      return { id, revision: 1, removedKeys: [] };
    }
    if (!replace) throw conflict('A photo set for this subject and visit already exists');
    const locked = await this.sets.lockSet(tx, existing.id);
    if (
      !locked ||
      !REPLACEABLE.has(locked.status) ||
      (await this.sets.readsStarted(tx, locked.id))
    ) {
      throw conflict('Reading of this photo set has started; its images can no longer be replaced');
    }
    const { removedImages, revision } = await this.sets.resetForReplacement(
      tx,
      locked.id,
      input.visitDate ?? null,
    );
    await this.sets.insertImages(tx, locked.id, staged);
    await this.audit.record(tx, {
      actor,
      action: AuditAction.SetReplaced,
      entityType: 'photo-set',
      entityId: locked.id,
      studyId,
      before: {
        status: locked.status,
        visitDate: locked.visitDate,
        images: removedImages.map((i) => ({ view: i.view, sha256: i.originalSha256 })),
      },
      after: { ...after, status: 'processing', revision },
    });
    const removedKeys = removedImages.flatMap((image) =>
      [image.originalKey, image.fullKey, image.displayKey, image.thumbKey].filter(
        (key): key is string => !!key,
      ),
    );
    // Renditions an unfinished attempt staged belong to the old images: drop them too.
    return { id: locked.id, revision, removedKeys: [...removedKeys, ...locked.stagedKeys] };
  }

  /**
   * After commit. If Redis is down the set still exists as processing, and the reconciler
   * enqueues it once Redis is back. Request paths must not await this (see upload): the queue
   * connection waits for Redis to come back rather than failing.
   */
  async enqueueIngest(photoSetId: string, revision: number): Promise<void> {
    try {
      await this.producer.enqueue(
        QueueName.Ingest,
        photoSetId,
        { photoSetId },
        { version: revision },
      );
    } catch (error) {
      this.logger.warn({ err: error, photoSetId }, 'ingest not enqueued; the reconciler will');
    }
  }

  async list(
    principal: Principal,
    studyId: string,
    query: ListPhotoSetsQuery,
  ): Promise<Page<PhotoSetView>> {
    await this.studies.requireStudyRole(principal, studyId, [...UNBLINDED]);
    const limit = query.limit ?? 50;
    const rows = await this.sets.list(studyId, {
      status: query.status,
      subjectCode: query.subjectCode,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const images = await this.sets.images(page.map((row) => row.id));
    const last = page[page.length - 1];
    return {
      items: page.map((row) => toPhotoSetView(row, images)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : null,
    };
  }

  async get(principal: Principal, photoSetId: string): Promise<PhotoSetView> {
    const set = await this.sets.findSet(photoSetId);
    if (!set) throw notFound('Photo set not found');
    await this.requireUnblinded(principal, set.studyId);
    return toPhotoSetView(set, await this.sets.images([set.id]));
  }

  /** Unblinded image access for staff; raters and adjudicators go through their own tasks. */
  async image(
    principal: Principal,
    photoSetId: string,
    view: View,
    size: RenditionSize,
  ): Promise<OpenedRendition> {
    const set = await this.sets.findSet(photoSetId);
    if (!set) throw notFound('Photo set not found');
    await this.requireUnblinded(principal, set.studyId);
    return this.images.openRendition(photoSetId, view, size);
  }

  private async requireUnblinded(principal: Principal, studyId: string): Promise<void> {
    try {
      await this.studies.requireStudyRole(principal, studyId, [...UNBLINDED]);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'not-found') {
        throw notFound('Photo set not found');
      }
      throw error;
    }
  }

  private async deleteQuietly(keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.storage.delete(key).catch((error: unknown) => {
        this.logger.warn({ err: error, key }, 'could not delete a stored file');
      });
    }
  }
}
