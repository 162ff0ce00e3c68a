import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import { actorOf, Principal } from '../auth/principal';
import { printable } from '../common/clean-text';
import { DomainError, invalid, notFound } from '../common/domain-error';
import { AfterCommit } from '../database/after-commit';
import { TransactionService } from '../database/transaction.service';
import { QueueProducer } from '../queue/queue.producer';
import { QueueName } from '../queue/queue-names';
import {
  deleteQuietly,
  newStorageKey,
  PHOTO_STORAGE,
  PhotoStorage,
  StorageObjectMissing,
} from '../storage/photo-storage';
import { StudiesService } from '../studies/studies.service';
import { StudyLockService } from '../studies/study-lock.service';
import { inspectImage } from './image-pipeline';
import { ArchiveContents, readImportArchive } from './import-archive';
import { MANIFEST_NAME, planImport, PlannedSet } from './import-manifest';
import { ImportEntity, ImportProblem, ImportStatus } from './import.entity';
import { ImportsRepository } from './imports.repository';
import { NewImage, PhotoSetsRepository } from './photo-sets.repository';
import { describeOriginal, PhotoSetsService } from './photo-sets.service';

export interface ImportView {
  id: string;
  status: ImportStatus;
  total: number;
  processed: number;
  errors: ImportProblem[];
}

/** A manifest's set with its originals stored, waiting to be created. */
interface StagedSet {
  set: PlannedSet;
  images: NewImage[];
}

function toImportView(row: ImportEntity): ImportView {
  return {
    id: row.id,
    status: row.status,
    total: row.total,
    processed: row.processed,
    errors: row.errors,
  };
}

/**
 * Bulk import: the archive is checked completely before anything is created, and every set is
 * created in one transaction, so an import is all or nothing even if a worker dies halfway.
 */
@Injectable()
export class ImportsService {
  constructor(
    private readonly imports: ImportsRepository,
    private readonly sets: PhotoSetsRepository,
    private readonly photoSets: PhotoSetsService,
    private readonly studies: StudiesService,
    private readonly tx: TransactionService,
    private readonly afterCommit: AfterCommit,
    private readonly audit: AuditService,
    private readonly producer: QueueProducer,
    @Inject(PHOTO_STORAGE) private readonly storage: PhotoStorage,
    private readonly locks: StudyLockService,
  ) {}

  async create(
    principal: Principal,
    studyId: string,
    archive: Express.Multer.File | undefined,
  ): Promise<{ id: string }> {
    await this.studies.requireStudyRole(principal, studyId, ['coordinator']);
    if (!archive?.size) throw invalid(['archive: a ZIP file is required']);
    await this.locks.assertOpenNow(studyId);
    if (archive.buffer.subarray(0, 4).toString('latin1') !== 'PK\x03\x04') {
      throw invalid(['archive: the file is not a ZIP archive']);
    }
    const archiveKey = newStorageKey('imports');
    await this.storage.put(archiveKey, archive.buffer);
    let created: ImportEntity;
    try {
      created = await this.tx.run(async (tx) => {
        await this.locks.assertOpen(tx, studyId);
        const row = await this.imports.create(tx, {
          studyId,
          archiveKey,
          createdBy: principal.userId,
        });
        await this.audit.record(tx, {
          actor: actorOf(principal, principal.roles.includes('admin') ? 'admin' : 'coordinator'),
          action: AuditAction.ImportCreated,
          entityType: 'import',
          entityId: row.id,
          studyId,
          after: { status: row.status, archiveBytes: archive.size },
        });
        // Not awaited: the import row is the truth and the reconciler enqueues pending imports,
        // so the request answers while Redis is down instead of waiting for it.
        this.afterCommit.run(tx, () =>
          this.producer.enqueue(QueueName.Import, row.id, { importId: row.id }),
        );
        return row;
      });
    } catch (error) {
      await deleteQuietly(this.storage, [archiveKey]);
      throw error;
    }
    return { id: created.id };
  }

  async get(principal: Principal, importId: string): Promise<ImportView> {
    const row = await this.imports.findById(importId);
    if (!row) throw notFound('Import not found');
    try {
      await this.studies.requireStudyRole(principal, row.studyId, ['coordinator', 'auditor']);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'not-found') {
        throw notFound('Import not found');
      }
      throw error;
    }
    return toImportView(row);
  }

  /** The job: idempotent in every state. */
  async run(importId: string): Promise<ImportStatus | 'missing'> {
    const row = await this.imports.findById(importId);
    if (!row) return 'missing';
    if (row.status === 'validating') return this.validateAndCreate(row);
    if (row.status === 'importing') await this.ensureIngest(row.id);
    return row.status;
  }

  private async validateAndCreate(row: ImportEntity): Promise<ImportStatus> {
    // Originals staged by an attempt that died before committing are nobody's: remove them.
    const leftovers = await this.tx.run((tx) => this.imports.swapStagedKeys(tx, row.id, []));
    await deleteQuietly(this.storage, leftovers);

    const archiveKey = row.archiveKey;
    const contents = archiveKey ? await this.readArchive(archiveKey) : null;
    if (!archiveKey || !contents) {
      return this.reject(row, [{ row: 0, reason: 'the archive is missing' }]);
    }
    const plan = planImport(contents.files.get(MANIFEST_NAME), [...contents.files.keys()]);
    const problems = [
      ...contents.problems,
      ...plan.problems,
      ...(await this.alreadyInStudy(row.studyId, plan.sets)),
      ...(await this.unscheduled(row.studyId, plan.sets)),
      ...(await this.unusableImages(plan.sets, contents.files)),
    ];
    if (problems.length) {
      problems.sort((a, b) => a.row - b.row);
      return this.reject(row, problems);
    }

    const staged = await this.stageOriginals(row.id, plan.sets, contents.files);
    const keys = staged.flatMap(({ images }) => images.map((image) => image.originalKey));
    const created = await this.tx.run((tx) => this.createSets(tx, row, staged, keys));
    if (!created) {
      // Someone else's attempt won; ours staged files nobody refers to.
      await deleteQuietly(this.storage, keys);
      return 'validating';
    }
    await deleteQuietly(this.storage, [archiveKey]);
    for (const id of created) await this.photoSets.enqueueIngest(id, 1);
    return 'importing';
  }

  /** The archive's contents, or null when its stored file is gone. */
  private async readArchive(archiveKey: string): Promise<ArchiveContents | null> {
    const archive = await this.storage.get(archiveKey).catch((error: unknown) => {
      if (error instanceof StorageObjectMissing) return null;
      throw error;
    });
    return archive ? readImportArchive(archive) : null;
  }

  /** Sets of the manifest whose subject and visit the study already has. */
  private async alreadyInStudy(studyId: string, sets: PlannedSet[]): Promise<ImportProblem[]> {
    const existing = await this.sets.existingSubjectVisits(studyId, sets);
    return existing.map((pair) => ({
      row: sets.find((s) => s.subjectCode === pair.subjectCode && s.visit === pair.visit)?.row ?? 0,
      reason: `subject ${pair.subjectCode} visit ${pair.visit} already has a photo set in this study`,
    }));
  }

  /** Sets whose visit the study's schedule does not list: one problem per such row. */
  private async unscheduled(studyId: string, sets: PlannedSet[]): Promise<ImportProblem[]> {
    const unscheduled = await this.studies.unscheduledVisits(
      studyId,
      sets.map((set) => set.visit),
    );
    return sets.flatMap((set) => {
      const problem = unscheduled.find((p) => p.visit === set.visit);
      return problem
        ? [{ row: set.row, reason: `subject ${set.subjectCode}: ${problem.message}` }]
        : [];
    });
  }

  /** Images the pipeline would refuse, found now so the import is refused as a whole. */
  private async unusableImages(
    sets: PlannedSet[],
    files: Map<string, Buffer>,
  ): Promise<ImportProblem[]> {
    const problems: ImportProblem[] = [];
    for (const image of sets.flatMap((set) => set.images)) {
      const bytes = files.get(image.file);
      if (!bytes) continue;
      const problem = await inspectImage(bytes);
      if (problem) problems.push({ row: image.row, reason: `${image.file}: ${problem}` });
    }
    return problems;
  }

  /**
   * Stores every original under a fresh key. The keys are recorded on the import first, so a
   * crash mid-way leaves files the next attempt knows to delete.
   */
  private async stageOriginals(
    importId: string,
    sets: PlannedSet[],
    files: Map<string, Buffer>,
  ): Promise<StagedSet[]> {
    const keyed = sets.map((set) => ({
      set,
      images: set.images.map((image) => ({ ...image, key: newStorageKey('originals') })),
    }));
    const keys = keyed.flatMap((k) => k.images.map((i) => i.key));
    await this.tx.run(async (tx) => {
      await this.imports.swapStagedKeys(tx, importId, keys);
      await this.imports.update(tx, importId, { total: sets.length });
    });
    const staged: StagedSet[] = [];
    for (const { set, images } of keyed) {
      const stagedImages: NewImage[] = [];
      for (const image of images) {
        const bytes = files.get(image.file) as Buffer;
        await this.storage.put(image.key, bytes);
        stagedImages.push(describeOriginal(image.view, image.key, bytes));
      }
      staged.push({ set, images: stagedImages });
    }
    return staged;
  }

  /**
   * All of the import's sets in one commit, or nothing (null) when another attempt took over
   * since ours staged its originals.
   */
  private async createSets(
    tx: EntityManager,
    row: ImportEntity,
    staged: StagedSet[],
    keys: string[],
  ): Promise<string[] | null> {
    const locked = await this.imports.lock(tx, row.id);
    if (
      !locked ||
      locked.status !== 'validating' ||
      !keys.every((k) => locked.stagedKeys.includes(k))
    ) {
      return null;
    }
    const ids: string[] = [];
    for (const { set, images } of staged) {
      const subjectId = await this.sets.upsertSubject(tx, row.studyId, set.subjectCode);
      const id = await this.photoSets.createSet(tx, {
        studyId: row.studyId,
        subject: { id: subjectId, code: set.subjectCode },
        visit: set.visit,
        visitDate: set.visitDate,
        createdBy: row.createdBy,
        importId: row.id,
        images,
        actor: SYSTEM_ACTOR,
      });
      ids.push(id);
    }
    await this.imports.update(tx, row.id, {
      status: 'importing',
      stagedKeys: [],
      archiveKey: null,
    });
    return ids;
  }

  private async reject(row: ImportEntity, found: ImportProblem[]): Promise<ImportStatus> {
    // Reasons quote manifest cells; a NUL in one would make the rejection itself unstorable.
    const problems = found.map((problem) => ({ ...problem, reason: printable(problem.reason) }));
    const rejected = await this.tx.run(async (tx) => {
      if (!(await this.imports.reject(tx, row.id, problems))) return false;
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: AuditAction.ImportRejected,
        entityType: 'import',
        entityId: row.id,
        studyId: row.studyId,
        before: { status: 'validating' },
        after: { status: 'rejected', errors: problems },
      });
      return true;
    });
    if (rejected && row.archiveKey) await deleteQuietly(this.storage, [row.archiveKey]);
    return 'rejected';
  }

  /** After a crash between commit and enqueue: every set still processing gets its job. */
  private async ensureIngest(importId: string): Promise<void> {
    const pending = await this.sets.processingSetsOfImport(importId);
    for (const set of pending) {
      await this.producer.ensure(
        QueueName.Ingest,
        set.id,
        { photoSetId: set.id },
        { version: set.revision },
      );
    }
  }
}
