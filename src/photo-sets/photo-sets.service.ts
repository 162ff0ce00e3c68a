import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditActor, AuditService } from '../audit/audit.service';
import { actorOf, Principal } from '../auth/principal';
import { conflict, DomainError, invalid, notFound } from '../common/domain-error';
import { isAllowedTransition } from '../common/photo-set-status';
import { AfterCommit } from '../database/after-commit';
import { TransactionService } from '../database/transaction.service';
import { QueueProducer } from '../queue/queue.producer';
import { QueueName } from '../queue/queue-names';
import {
  deleteQuietly,
  newStorageKey,
  PHOTO_STORAGE,
  PhotoStorage,
} from '../storage/photo-storage';
import { StudiesService } from '../studies/studies.service';
import { StudyLockService } from '../studies/study-lock.service';
import { isIsoDate, ListPhotoSetsQuery, UploadPhotoSetDto } from './dto/photo-set.dto';
import { RenditionSize } from './photo-image.entity';
import { OpenedRendition, PhotoImagesService } from './photo-images.service';
import { View, VIEWS } from './photo-set.entity';
import { PhotoSetView, toPhotoSetView } from './photo-set.view';
import { NewImage, PhotoSetsRepository } from './photo-sets.repository';
import { UploadedFiles } from './multipart.interceptor';

/** Staff who may see subject, visit and date: the unblinded side of the study. */
const UNBLINDED = ['coordinator', 'auditor'] as const;

/** A set about to be created, from an upload or a ZIP import's manifest. */
export interface NewPhotoSet {
  studyId: string;
  subject: { id: string; code: string };
  visit: string;
  visitDate: string | null;
  createdBy: string | null;
  importId: string | null;
  images: NewImage[];
  actor: AuditActor;
}

interface Replacement {
  studyId: string;
  input: UploadPhotoSetDto;
  staged: NewImage[];
  actor: AuditActor;
}

/** A stored original as its image row records it: the SHA-256 proves the bytes never changed. */
export function describeOriginal(view: View, originalKey: string, bytes: Buffer): NewImage {
  return {
    view,
    originalKey,
    originalSha256: createHash('sha256').update(bytes).digest('hex'),
    originalBytes: bytes.length,
  };
}

/** What the audit trail keeps of an upload: the originals' checksums, never their keys. */
function describeUpload(
  subjectCode: string,
  visit: string,
  visitDate: string | null,
  images: NewImage[],
): Record<string, unknown> {
  return {
    subjectCode,
    visit,
    visitDate,
    images: images.map((i) => ({ view: i.view, sha256: i.originalSha256, bytes: i.originalBytes })),
  };
}

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
    private readonly locks: StudyLockService,
  ) {}

  /** Stores originals (restricted area, SHA-256 recorded) before any row refers to them. */
  async stageOriginals(files: { view: View; bytes: Buffer }[]): Promise<NewImage[]> {
    const staged: NewImage[] = [];
    try {
      for (const file of files) {
        const originalKey = newStorageKey('originals');
        await this.storage.put(originalKey, file.bytes);
        staged.push(describeOriginal(file.view, originalKey, file.bytes));
      }
    } catch (error) {
      await deleteQuietly(
        this.storage,
        staged.map((s) => s.originalKey),
      );
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
    // Quick answer before the files are stored; createOrReplace checks again under lock.
    await this.locks.assertOpenNow(studyId);
    if (input.visitDate !== undefined && !isIsoDate(input.visitDate)) {
      throw invalid(['visitDate is not a real calendar date']);
    }
    const missing = VIEWS.filter((view) => !files?.[view]?.length);
    if (missing.length) {
      throw invalid(
        missing.map((view) => `${view}: the ${view} view is missing; all four views are required`),
      );
    }
    const unscheduled = await this.studies.unscheduledVisits(studyId, [input.visit]);
    if (unscheduled.length) throw invalid(unscheduled.map((problem) => problem.message));
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
      await deleteQuietly(
        this.storage,
        staged.map((s) => s.originalKey),
      );
      // Two uploads of one subject+visit racing: the unique constraint lets only one in.
      if ((error as { code?: string }).code === '23505') {
        throw conflict('A photo set for this subject and visit already exists');
      }
      throw error;
    }
    await deleteQuietly(this.storage, result.removedKeys);
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
    await this.locks.assertOpen(tx, studyId);
    // Taken first: it locks the subject's row, so a replacement racing the set's first upload
    // waits for it and then finds the set to replace.
    const subjectId = await this.sets.upsertSubject(tx, studyId, input.subjectCode);
    const existing = await this.sets.findSetBySubjectVisit(
      studyId,
      input.subjectCode,
      input.visit,
      tx,
    );
    const actor = actorOf(principal, principal.roles.includes('admin') ? 'admin' : 'coordinator');
    if (!existing) {
      const id = await this.createSet(tx, {
        studyId,
        subject: { id: subjectId, code: input.subjectCode },
        visit: input.visit,
        visitDate: input.visitDate ?? null,
        createdBy: principal.userId,
        importId: null,
        images: staged,
        actor,
      });
      return { id, revision: 1, removedKeys: [] };
    }
    if (!replace) throw conflict('A photo set for this subject and visit already exists');
    return this.replaceImages(tx, existing.id, { studyId, input, staged, actor });
  }

  /**
   * A new set in processing with its originals, and its audit event: the one way sets come into
   * being, for upload and ZIP import alike. Ingest is enqueued by the caller after commit.
   */
  async createSet(tx: EntityManager, set: NewPhotoSet): Promise<string> {
    // Checked early without a lock for a quick answer; again here, in the set's transaction.
    const unscheduled = await this.studies.unscheduledVisits(set.studyId, [set.visit], tx);
    if (unscheduled.length) throw invalid(unscheduled.map((problem) => problem.message));
    const id = await this.sets.insertSet(tx, {
      studyId: set.studyId,
      subjectId: set.subject.id,
      visit: set.visit,
      visitDate: set.visitDate,
      createdBy: set.createdBy,
      importId: set.importId,
    });
    await this.sets.insertImages(tx, id, set.images);
    await this.audit.record(tx, {
      actor: set.actor,
      action: AuditAction.SetUploaded,
      entityType: 'photo-set',
      entityId: id,
      studyId: set.studyId,
      after: {
        ...(set.importId && { importId: set.importId }),
        ...describeUpload(set.subject.code, set.visit, set.visitDate, set.images),
        status: 'processing',
      },
    });
    return id;
  }

  private async replaceImages(
    tx: EntityManager,
    photoSetId: string,
    { studyId, input, staged, actor }: Replacement,
  ): Promise<{ id: string; revision: number; removedKeys: string[] }> {
    const locked = await this.sets.lockSet(tx, photoSetId);
    // Back to processing is allowed only until a rater may have seen the images.
    if (
      !locked ||
      !isAllowedTransition(locked.status, 'processing') ||
      (await this.sets.readsStarted(tx, locked.id))
    ) {
      throw conflict('Reading of this photo set has started; its images can no longer be replaced');
    }
    const visitDate = input.visitDate ?? null;
    const { removedImages, revision } = await this.sets.resetForReplacement(tx, locked, visitDate);
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
      after: {
        ...describeUpload(input.subjectCode, input.visit, visitDate, staged),
        status: 'processing',
        revision,
      },
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
}
