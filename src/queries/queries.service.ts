import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AdjudicationRepository } from '../adjudication/adjudication.repository';
import { AuditAction } from '../audit/audit-action';
import { AuditActor, AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import { actorOf, Principal } from '../auth/principal';
import { conflict, DomainError, invalid, notFound } from '../common/domain-error';
import { AfterCommit } from '../database/after-commit';
import { TransactionService } from '../database/transaction.service';
import { OnDomainEvent } from '../events/domain-event.decorator';
import {
  ImageReplacementService,
  ReplacementOutcome,
} from '../photo-sets/image-replacement.service';
import { View, VIEWS } from '../photo-sets/photo-set.entity';
import { PhotoSetsRepository } from '../photo-sets/photo-sets.repository';
import { PhotoSetsService } from '../photo-sets/photo-sets.service';
import { QueueProducer } from '../queue/queue.producer';
import { QueueName } from '../queue/queue-names';
import { Reconciler } from '../queue/reconciler.decorator';
import { AssignmentRepository } from '../reads/assignment.repository';
import { newReadCode } from '../reads/read-code';
import { NotEvaluableRaised } from '../reads/read.events';
import { ReadsRepository } from '../reads/reads.repository';
import { StudiesService } from '../studies/studies.service';
import { StudyLockService } from '../studies/study-lock.service';
import { deleteQuietly, PHOTO_STORAGE, PhotoStorage } from '../storage/photo-storage';
import { QueriesRepository, QueryCounts, QueryStatus } from './queries.repository';
import { ImageVersionView, QueryView, toQueryView } from './query.view';

const NOT_FOUND = 'Image query not found';

export interface QueryList {
  items: QueryView[];
  counts: QueryCounts;
}

/** Why reads were voided, in words an auditor reads in the timeline. */
function voidReason(views: View[]): string {
  return `Image replaced after an image query (${views.join(', ')}): reads of the earlier images do not count`;
}

/**
 * Image queries: a reader who cannot score a view opens one instead of forcing a score; the
 * set's open work is withdrawn until the coordinator answers. A confirmation (with a comment the
 * readers see) gives the work back; a replacement image voids the reads made on the old one and
 * the same pair reads the set again under new read codes once the new image is re-encoded.
 */
@Injectable()
export class QueriesService {
  private readonly logger = new Logger(QueriesService.name);

  constructor(
    private readonly queries: QueriesRepository,
    private readonly photoSets: PhotoSetsRepository,
    private readonly photoSetsService: PhotoSetsService,
    private readonly replacements: ImageReplacementService,
    private readonly reads: ReadsRepository,
    private readonly assignment: AssignmentRepository,
    private readonly adjudication: AdjudicationRepository,
    private readonly studies: StudiesService,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly producer: QueueProducer,
    private readonly afterCommit: AfterCommit,
    @Inject(PHOTO_STORAGE) private readonly storage: PhotoStorage,
    private readonly locks: StudyLockService,
  ) {}

  // ---- raising -------------------------------------------------------------------------------

  /** In the reader's transaction, with the set locked by the publisher. */
  @OnDomainEvent('read.not-evaluable')
  async onNotEvaluable(tx: EntityManager, raised: NotEvaluableRaised): Promise<void> {
    const from = raised.raisedBy.role === 'rater' ? 'reading' : 'adjudicating';
    if (!(await this.photoSets.transition(tx, raised.photoSetId, from, 'query'))) {
      throw conflict('This photo set is not being read: nothing to query');
    }
    const query = await this.queries.insert(tx, {
      photoSetId: raised.photoSetId,
      studyId: raised.studyId,
      views: raised.views,
      raisedBy: raised.raisedBy.userId,
      raisedRole: raised.raisedBy.role,
      raisedFrom: from,
    });
    const withdrawnReadTasks = await this.reads.withdrawOpenTasks(tx, raised.photoSetId);
    const withdrawnAdjudications =
      raised.raisedBy.role === 'adjudicator'
        ? await this.adjudication.withdrawOpen(tx, raised.photoSetId)
        : [];
    await this.audit.record(tx, {
      actor: {
        id: raised.raisedBy.userId,
        name: raised.raisedBy.name,
        role: raised.raisedBy.role,
      },
      action: AuditAction.QueryRaised,
      entityType: 'image-query',
      entityId: query.id,
      studyId: raised.studyId,
      before: { photoSetStatus: from },
      after: {
        photoSetId: raised.photoSetId,
        imageQueryId: query.id,
        status: 'open',
        photoSetStatus: 'query',
        views: raised.views,
        raisedOn: raised.taskId,
        withdrawnReadTasks: withdrawnReadTasks.map((t) => t.id),
        withdrawnAdjudicationTasks: withdrawnAdjudications,
      },
    });
  }

  // ---- coordinator's side --------------------------------------------------------------------

  async list(
    principal: Principal,
    studyId: string,
    status: 'open' | 'answered' | undefined,
  ): Promise<QueryList> {
    await this.studies.requireStudyRole(principal, studyId, ['coordinator', 'auditor']);
    // 'open' means waiting for the coordinator or for the replacement to be processed.
    const statuses: QueryStatus[] | null =
      status === 'open' ? ['open', 'replacing'] : status === 'answered' ? ['answered'] : null;
    const [rows, counts] = await Promise.all([
      this.queries.list(studyId, { statuses }),
      this.queries.counts(studyId),
    ]);
    const now = new Date();
    return { items: rows.map((row) => toQueryView(row, now)), counts };
  }

  async get(principal: Principal, queryId: string): Promise<QueryView> {
    const row = await this.queries.findById(queryId);
    if (!row) throw notFound(NOT_FOUND);
    await this.requireStaff(principal, row.studyId, ['coordinator', 'auditor']);
    return toQueryView(row);
  }

  /** The set's queries and its images' versions, for the photo-set detail page. */
  async ofSet(
    principal: Principal,
    photoSetId: string,
  ): Promise<{ items: QueryView[]; imageVersions: ImageVersionView[] }> {
    const set = await this.photoSets.findSet(photoSetId);
    if (!set) throw notFound('Photo set not found');
    await this.requireStaff(
      principal,
      set.studyId,
      ['coordinator', 'auditor'],
      'Photo set not found',
    );
    const [rows, earlier, current] = await Promise.all([
      this.queries.list(set.studyId, { statuses: null, photoSetId }),
      this.photoSets.imageVersions(photoSetId),
      this.photoSets.currentVersions(photoSetId),
    ]);
    const now = new Date();
    const versions: ImageVersionView[] = [
      ...earlier.map((v) => ({
        view: v.view,
        version: v.version,
        status: v.status,
        sha256: v.originalSha256,
        uploadedAt: v.uploadedAt.toISOString(),
        supersededAt: v.supersededAt.toISOString(),
        current: false,
        imageQueryId: v.queryId,
      })),
      ...current.map((v) => ({
        view: v.view,
        version: v.version,
        status: v.status,
        sha256: v.originalSha256,
        uploadedAt: v.uploadedAt.toISOString(),
        supersededAt: null,
        current: true,
        imageQueryId: null,
      })),
    ].sort((a, b) => VIEWS.indexOf(a.view) - VIEWS.indexOf(b.view) || a.version - b.version);
    return { items: rows.map((row) => toQueryView(row, now)), imageVersions: versions };
  }

  /**
   * The image is fine as it is: the set goes back to its readers with the comment, which they
   * will see as written (the coordinator is told so in the API and the page).
   */
  async confirm(principal: Principal, queryId: string, comment: string): Promise<QueryView> {
    const peek = await this.queries.findById(queryId);
    if (!peek) throw notFound(NOT_FOUND);
    await this.requireStaff(principal, peek.studyId, ['coordinator']);
    const actor = this.coordinatorActor(principal);
    await this.tx.run(async (tx) => {
      await this.locks.assertOpen(tx, peek.studyId);
      const set = await this.photoSets.lockSet(tx, peek.photoSetId);
      const query = await this.queries.lock(tx, queryId);
      if (!set || !query) throw notFound(NOT_FOUND);
      if (query.status !== 'open') throw conflict('This image query has already been answered');
      const images = await this.photoSets.images([set.id], tx);
      const notReady = images.filter((image) => image.status !== 'ready');
      if (notReady.length) {
        throw conflict(
          `Not every image is ready (${notReady.map((i) => `${i.view}: ${i.status}`).join(', ')}): upload a replacement`,
        );
      }
      if (!(await this.photoSets.transition(tx, set.id, 'query', query.raisedFrom))) {
        throw conflict('This photo set is no longer in query');
      }
      const restored = await this.reads.restoreWithdrawn(tx, set.id, comment);
      const restoredAdjudications =
        query.raisedRole === 'adjudicator'
          ? await this.adjudication.restoreWithdrawn(tx, set.id, comment)
          : [];
      await this.queries.answer(tx, queryId, {
        status: 'answered',
        answer: 'confirmed',
        comment,
        by: principal.userId,
      });
      await this.audit.record(tx, {
        actor,
        action: AuditAction.QueryConfirmed,
        entityType: 'image-query',
        entityId: queryId,
        studyId: query.studyId,
        before: { status: 'open', photoSetStatus: 'query' },
        after: {
          photoSetId: set.id,
          imageQueryId: queryId,
          status: 'answered',
          answer: 'confirmed',
          comment,
          photoSetStatus: query.raisedFrom,
          restoredReadTasks: restored.map((t) => t.id),
          restoredAdjudicationTasks: restoredAdjudications,
        },
        reason: comment,
      });
    });
    return this.viewOf(queryId);
  }

  /**
   * New images for queried views: stored now, re-encoded in the background (the set stays in
   * query meanwhile); the earlier images are kept as versions. Only views the query names.
   */
  async replace(
    principal: Principal,
    queryId: string,
    files: { view: View; bytes: Buffer }[],
  ): Promise<QueryView> {
    const peek = await this.queries.findById(queryId);
    if (!peek) throw notFound(NOT_FOUND);
    await this.requireStaff(principal, peek.studyId, ['coordinator']);
    const queried = peek.views.map((v) => v.view);
    if (!files.length) {
      throw invalid([`upload at least one replacement image, for ${queried.join(' or ')}`]);
    }
    const unqueried = files.filter((file) => !queried.includes(file.view));
    if (unqueried.length) {
      throw invalid(
        unqueried.map(
          (file) =>
            `${file.view}: this query is about ${queried.join(', ')}; ${file.view} was not queried`,
        ),
      );
    }
    const empty = files.filter((file) => file.bytes.length === 0);
    if (empty.length) throw invalid(empty.map((file) => `${file.view}: the file is empty`));
    if (peek.status !== 'open') throw conflict('This image query has already been answered');
    const actor = this.coordinatorActor(principal);
    await this.locks.assertOpenNow(peek.studyId);
    const staged = await this.photoSetsService.stageOriginals(files);
    let version = 0;
    try {
      await this.tx.run(async (tx) => {
        await this.locks.assertOpen(tx, peek.studyId);
        const set = await this.photoSets.lockSet(tx, peek.photoSetId);
        const query = await this.queries.lock(tx, queryId);
        if (!set || !query) throw notFound(NOT_FOUND);
        if (query.status !== 'open' || set.status !== 'query') {
          throw conflict('This image query has already been answered');
        }
        await this.replacements.replace(tx, set, staged, queryId, actor);
        await this.queries.answer(tx, queryId, {
          status: 'replacing',
          answer: 'replaced',
          comment: null,
          by: principal.userId,
        });
        version = (await this.photoSets.currentVersions(set.id)).reduce((n, v) => n + v.version, 0);
        await this.audit.record(tx, {
          actor,
          action: AuditAction.QueryReplacementUploaded,
          entityType: 'image-query',
          entityId: queryId,
          studyId: query.studyId,
          before: { status: 'open' },
          after: {
            photoSetId: set.id,
            imageQueryId: queryId,
            status: 'replacing',
            answer: 'replaced',
            images: staged.map((i) => ({
              view: i.view,
              sha256: i.originalSha256,
              bytes: i.originalBytes,
            })),
          },
        });
        this.afterCommit.run(tx, () => this.enqueueReplacement(queryId, version));
      });
    } catch (error) {
      // Nothing refers to the staged originals when the transaction did not commit.
      await deleteQuietly(
        this.storage,
        staged.map((image) => image.originalKey),
      );
      throw error;
    }
    return this.viewOf(queryId);
  }

  // ---- the query-replacement job -------------------------------------------------------------

  /**
   * Re-encodes the replacement, then in one transaction: the new images go live, every read of
   * the set is voided (kept, never counted), an undecided adjudication is voided, and the same
   * pair gets new tasks under new read codes. A rejected image reopens the query instead.
   */
  async processReplacement(imageQueryId: string): Promise<'done' | 'skipped'> {
    const peek = await this.queries.findById(imageQueryId);
    if (!peek || peek.status !== 'replacing') return 'skipped';
    return this.replacements.process(peek.photoSetId, async (tx, outcome) => {
      const query = await this.queries.lock(tx, imageQueryId);
      if (!query || query.status !== 'replacing') return false;
      if (outcome.rejected.length) return this.replacementRejected(tx, query, outcome);
      await this.rereadBySamePair(tx, query, outcome.ready);
      return true;
    });
  }

  private async replacementRejected(
    tx: EntityManager,
    query: { id: string; photoSetId: string; studyId: string },
    outcome: ReplacementOutcome,
  ): Promise<boolean> {
    await this.queries.setStatus(tx, query.id, 'open');
    await this.audit.record(tx, {
      actor: SYSTEM_ACTOR,
      action: AuditAction.QueryReplacementRejected,
      entityType: 'image-query',
      entityId: query.id,
      studyId: query.studyId,
      before: { status: 'replacing' },
      after: {
        photoSetId: query.photoSetId,
        imageQueryId: query.id,
        status: 'open',
        rejected: outcome.rejected,
      },
    });
    return true;
  }

  private async rereadBySamePair(
    tx: EntityManager,
    query: { id: string; photoSetId: string; studyId: string; views: { view: View }[] },
    replaced: View[],
  ): Promise<void> {
    const reason = voidReason(query.views.map((v) => v.view));
    const voided = await this.reads.voidTasks(tx, query.photoSetId, reason);
    const voidedAdjudications = await this.adjudication.voidUndecided(tx, query.photoSetId, reason);
    if (!(await this.photoSets.transition(tx, query.photoSetId, 'query', 'reading'))) {
      throw new Error(
        `photo set ${query.photoSetId} left query while its replacement was processed`,
      );
    }
    await this.queries.setStatus(tx, query.id, 'answered');
    const fresh = [];
    for (const old of [...voided].sort((a, b) => a.slot - b.slot)) {
      fresh.push({
        old,
        task: await this.assignment.insertTask(tx, {
          photoSetId: query.photoSetId,
          studyId: query.studyId,
          slot: old.slot,
          raterId: old.raterId,
          readCode: newReadCode(),
          queueKey: Math.random(),
        }),
      });
    }
    // Audit events last, as assignment does: the chain lock is held from the first append.
    for (const old of voided) {
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: AuditAction.ReadVoided,
        entityType: 'read-task',
        entityId: old.id,
        studyId: query.studyId,
        before: { status: old.previousStatus, readCode: old.readCode, version: old.version },
        after: { photoSetId: query.photoSetId, imageQueryId: query.id, status: 'voided' },
        reason,
      });
    }
    for (const id of voidedAdjudications) {
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: AuditAction.AdjudicationVoided,
        entityType: 'adjudication-task',
        entityId: id,
        studyId: query.studyId,
        after: { photoSetId: query.photoSetId, imageQueryId: query.id, status: 'voided' },
        reason,
      });
    }
    for (const { old, task } of fresh) {
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: AuditAction.ReadAssigned,
        entityType: 'read-task',
        entityId: task.id,
        studyId: query.studyId,
        after: {
          photoSetId: query.photoSetId,
          readTaskId: task.id,
          slot: task.slot,
          raterId: task.raterId,
          readCode: task.readCode,
          pairing: 'same-pair-after-image-query',
          rereadOf: old.id,
        },
      });
    }
    await this.audit.record(tx, {
      actor: SYSTEM_ACTOR,
      action: AuditAction.QueryAnsweredByReplacement,
      entityType: 'image-query',
      entityId: query.id,
      studyId: query.studyId,
      before: { status: 'replacing', photoSetStatus: 'query' },
      after: {
        photoSetId: query.photoSetId,
        imageQueryId: query.id,
        status: 'answered',
        answer: 'replaced',
        replacedViews: replaced,
        photoSetStatus: 'reading',
        voidedReadTasks: voided.map((t) => t.id),
        voidedAdjudicationTasks: voidedAdjudications,
        newReadTasks: fresh.map(({ task }) => task.id),
      },
    });
  }

  enqueueReplacement(imageQueryId: string, version: number): Promise<string> {
    return this.producer.enqueue(
      QueueName.QueryReplacement,
      imageQueryId,
      { imageQueryId },
      {
        version,
      },
    );
  }

  /** Replacements uploaded whose processing Redis may have lost. */
  @Reconciler('queries')
  async reconcile(producer: QueueProducer): Promise<number> {
    let count = 0;
    for (const query of await this.queries.replacing()) {
      const version = (await this.photoSets.currentVersions(query.photoSetId)).reduce(
        (n, v) => n + v.version,
        0,
      );
      const state = await producer.ensure(
        QueueName.QueryReplacement,
        query.id,
        { imageQueryId: query.id },
        { version },
      );
      if (state !== 'pending') count++;
    }
    if (count) this.logger.log(`re-enqueued ${count} image query replacements`);
    return count;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private async viewOf(queryId: string): Promise<QueryView> {
    const row = await this.queries.findById(queryId);
    if (!row) throw notFound(NOT_FOUND);
    return toQueryView(row);
  }

  private coordinatorActor(principal: Principal): AuditActor {
    return actorOf(principal, principal.roles.includes('admin') ? 'admin' : 'coordinator');
  }

  /** Staff of the query's study; anyone else gets the same 404 as for an unknown id. */
  private async requireStaff(
    principal: Principal,
    studyId: string,
    roles: ('coordinator' | 'auditor')[],
    message = NOT_FOUND,
  ): Promise<void> {
    try {
      await this.studies.requireStudyRole(principal, studyId, roles);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'not-found') throw notFound(message);
      throw error;
    }
  }
}
