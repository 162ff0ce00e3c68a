import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditActor, AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import { actorOf, Principal } from '../auth/principal';
import { conflict, notFound } from '../common/domain-error';
import { TransactionService } from '../database/transaction.service';
import { OnDomainEvent } from '../events/domain-event.decorator';
import { DomainEvents } from '../events/domain-events.service';
import { PhotoSetsRepository } from '../photo-sets/photo-sets.repository';
import { computeSalt, RegionScores } from '../scoring/salt';
import { StudiesRepository } from '../studies/studies.repository';
import { StudiesService } from '../studies/studies.service';
import { StudySettings, withDefaults } from '../studies/study-settings';
import { MembershipChange } from '../studies/study.events';
import { judgeRound } from './qualification';
import {
  CalibrationSetRow,
  QualificationStatus,
  ReaderQualityRepository,
} from './reader-quality.repository';
import './reader-quality.events';

export interface CalibrationSetView {
  photoSetId: string;
  subjectCode: string;
  visit: string;
  reference: RegionScores & { salt: number };
  markedAt: string;
}

/** What a rater may know about themselves in a study, and nothing else. */
export interface OwnQualificationView {
  status: QualificationStatus;
  suspended: boolean;
}

export interface ReferenceView {
  top: number;
  back: number;
  left: number;
  right: number;
  salt: number;
}

export function toCalibrationSetView(row: CalibrationSetRow): CalibrationSetView {
  return {
    photoSetId: row.photoSetId,
    subjectCode: row.subjectCode,
    visit: row.visit,
    reference: { top: row.top, back: row.back, left: row.left, right: row.right, salt: row.salt },
    markedAt: row.createdAt.toISOString(),
  };
}

const REFERENCE_NOT_FOUND = 'Reference not found';

/**
 * Calibration sets and qualification (issue 12): a rater reads the study's calibration sets
 * before any live set, is judged against the experts' reference reads, and only a qualified,
 * unsuspended rater is offered live work (`liveRaters`, called by assignment).
 */
@Injectable()
export class QualificationService {
  constructor(
    private readonly quality: ReaderQualityRepository,
    private readonly studies: StudiesService,
    private readonly studiesRepository: StudiesRepository,
    private readonly photoSets: PhotoSetsRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  // ---- the eligibility hook of assignment ----------------------------------------------------

  /**
   * Of `raters`, those who may take live work in the study: never a suspended rater, and when
   * the charter asks for qualification only qualified ones. Order is kept.
   */
  async liveRaters<T extends { raterId: string }>(
    tx: EntityManager,
    studyId: string,
    raters: readonly T[],
    settings?: Partial<StudySettings> | null,
  ): Promise<T[]> {
    const charter = withDefaults(settings ?? (await this.studiesRepository.settings(studyId, tx)));
    const allowed = await this.quality.liveRaterIds(
      tx,
      studyId,
      raters.map((rater) => rater.raterId),
      charter.readerQuality.qualificationSetCount > 0,
    );
    return raters.filter((rater) => allowed.has(rater.raterId));
  }

  /** Calibration sets are never read live: assignment leaves them alone. */
  isCalibrationSet(tx: EntityManager, photoSetId: string): Promise<boolean> {
    return this.quality.isCalibrationSet(tx, photoSetId);
  }

  /** Of `photoSetIds`, the calibration sets, which assignment of a batch leaves alone. */
  calibrationSetIds(tx: EntityManager, photoSetIds: readonly string[]): Promise<Set<string>> {
    return this.quality.calibrationSetIds(tx, photoSetIds);
  }

  // ---- calibration sets ----------------------------------------------------------------------

  async markCalibrationSet(
    principal: Principal,
    studyId: string,
    photoSetId: string,
    reference: RegionScores,
  ): Promise<CalibrationSetView> {
    const salt = computeSalt(reference);
    return this.tx.run(async (tx) => {
      await this.studies.requireStudyRole(principal, studyId, ['coordinator'], tx);
      // The set row is what assignment locks too: either this marks the set first and
      // assignment then leaves it alone, or assignment started live reading and this refuses.
      const set = await this.photoSets.lockSet(tx, photoSetId);
      if (!set || set.studyId !== studyId) throw notFound('Photo set not found');
      if (set.status === 'rejected')
        throw conflict('A rejected photo set cannot be a calibration set');
      if (await this.quality.hasLiveTasks(tx, photoSetId)) {
        throw conflict('This photo set is already read live; it cannot become a calibration set');
      }
      const before = await this.quality.calibrationSet(photoSetId, tx);
      await this.quality.upsertCalibrationSet(tx, {
        photoSetId,
        studyId,
        markedBy: principal.userId,
        ...reference,
        salt,
      });
      const after = (await this.quality.calibrationSet(photoSetId, tx))!;
      if (!before) await this.startWaitingRounds(tx, studyId);
      await this.audit.record(tx, {
        actor: actorOf(principal, principal.roles.includes('admin') ? 'admin' : 'coordinator'),
        action: before ? AuditAction.CalibrationReferenceChanged : AuditAction.CalibrationSetMarked,
        entityType: 'photo-set',
        entityId: photoSetId,
        studyId,
        before: before
          ? { photoSetId, reference: toCalibrationSetView(before).reference }
          : undefined,
        after: { photoSetId, reference: toCalibrationSetView(after).reference },
      });
      return toCalibrationSetView(after);
    });
  }

  async calibrationSets(principal: Principal, studyId: string): Promise<CalibrationSetView[]> {
    await this.studies.requireStudyRole(principal, studyId, ['coordinator', 'auditor']);
    return (await this.quality.calibrationSets(studyId)).map(toCalibrationSetView);
  }

  // ---- rounds --------------------------------------------------------------------------------

  /** Raters who joined before there were enough calibration sets start once there are. */
  async startWaitingRounds(tx: EntityManager, studyId: string): Promise<number> {
    const { readerQuality } = withDefaults(await this.studiesRepository.settings(studyId, tx));
    if (readerQuality.qualificationSetCount === 0) return 0;
    let started = 0;
    for (const raterId of await this.quality.ratersNeverQualified(tx, studyId)) {
      if (await this.startRound(tx, studyId, raterId, SYSTEM_ACTOR, false)) started++;
    }
    return started;
  }

  /** A new rater of a study that asks for qualification starts with a calibration round. */
  @OnDomainEvent('study.membership-changed')
  async onMembershipChanged(tx: EntityManager, change: MembershipChange): Promise<void> {
    if (!change.addedRoles.includes('rater')) return;
    const { readerQuality } = withDefaults(
      await this.studiesRepository.settings(change.studyId, tx),
    );
    if (readerQuality.qualificationSetCount === 0) return;
    if (await this.quality.qualification(change.studyId, change.userId, tx)) return;
    await this.startRound(tx, change.studyId, change.userId, SYSTEM_ACTOR, false);
  }

  /**
   * Gives the rater a round of calibration tasks: `qualificationSetCount` calibration sets they
   * have not read, each as an ordinary read task (new read code, random queue position). With
   * `strict`, anything that prevents it is an error; otherwise it quietly waits.
   */
  private async startRound(
    tx: EntityManager,
    studyId: string,
    raterId: string,
    actor: AuditActor,
    strict: boolean,
  ): Promise<boolean> {
    const { readerQuality } = withDefaults(await this.studiesRepository.settings(studyId, tx));
    const count = readerQuality.qualificationSetCount;
    const refuse = (message: string): boolean => {
      if (strict) throw conflict(message);
      return false;
    };
    if (count === 0) {
      return refuse(
        'This study asks for no qualification (readerQuality.qualificationSetCount is 0)',
      );
    }
    await this.quality.lockQualification(tx, studyId, raterId);
    if (await this.quality.openRound(tx, studyId, raterId)) {
      return refuse('This rater already has a calibration round in progress');
    }
    const setIds = await this.quality.unreadCalibrationSets(tx, studyId, raterId, count);
    if (setIds.length < count) {
      return refuse(
        `The study has ${setIds.length} calibration set(s) this rater has not read; a round needs ${count}`,
      );
    }
    const round = await this.quality.insertRound(tx, studyId, raterId);
    await this.quality.setStatus(tx, studyId, raterId, 'in-training');
    const tasks = setIds.map((photoSetId) => ({
      id: randomUUID(),
      photoSetId,
      raterId,
      kind: 'calibration' as const,
    }));
    await this.events.publish(tx, 'reader-quality.tasks-due', { studyId, tasks });
    await this.quality.insertRoundTasks(
      tx,
      round.id,
      tasks.map((task) => ({ readTaskId: task.id, photoSetId: task.photoSetId })),
    );
    await this.audit.record(tx, {
      actor,
      action: AuditAction.QualificationRoundStarted,
      entityType: 'user',
      entityId: raterId,
      studyId,
      after: {
        raterId,
        roundId: round.id,
        roundNo: round.roundNo,
        photoSetIds: setIds,
        readTaskIds: tasks.map((task) => task.id),
      },
    });
    return true;
  }

  /**
   * Called by the reads feature, in the submission's transaction, when a calibration or re-read
   * task is scored (instead of evaluating a live pair). The last read of a round decides it.
   */
  async qualityReadSubmitted(tx: EntityManager, readTaskId: string): Promise<void> {
    const round = await this.quality.roundOfTask(tx, readTaskId);
    if (!round || round.status !== 'open') return;
    const outcomes = await this.quality.roundOutcomes(tx, round.id);
    if (outcomes.some((outcome) => outcome.salt === null)) return;
    const settings = withDefaults(await this.studiesRepository.settings(round.studyId, tx));
    const verdict = judgeRound(
      outcomes.map((o) => ({ salt: o.salt!, referenceSalt: o.referenceSalt })),
      {
        maxMeanAbsError: settings.readerQuality.passMaxMeanAbsError,
        minWithinPercent: settings.readerQuality.passMinWithinPercent,
        maxDifference: settings.maxDifference,
      },
    );
    const status = verdict.passed ? 'passed' : 'failed';
    if (!(await this.quality.decideRound(tx, round.id, status, verdict))) return;
    await this.quality.setStatus(
      tx,
      round.studyId,
      round.raterId,
      verdict.passed ? 'qualified' : 'failed',
    );
    if (verdict.passed) {
      await this.events.publish(tx, 'reader-quality.rater-cleared', {
        studyId: round.studyId,
        raterId: round.raterId,
      });
    }
    await this.audit.record(tx, {
      actor: SYSTEM_ACTOR,
      action: verdict.passed ? AuditAction.QualificationPassed : AuditAction.QualificationFailed,
      entityType: 'user',
      entityId: round.raterId,
      studyId: round.studyId,
      after: {
        raterId: round.raterId,
        roundId: round.id,
        roundNo: round.roundNo,
        ...verdict,
        rule: {
          passMaxMeanAbsError: settings.readerQuality.passMaxMeanAbsError,
          passMinWithinPercent: settings.readerQuality.passMinWithinPercent,
          maxDifference: settings.maxDifference,
        },
      },
    });
  }

  // ---- admin actions -------------------------------------------------------------------------

  private async requireRater(tx: EntityManager, studyId: string, raterId: string): Promise<void> {
    const member = await this.studiesRepository.member(studyId, raterId, tx);
    if (!member || !member.roles.includes('rater')) throw notFound('Rater not found in this study');
  }

  /** Another round for a rater who failed (or requalification after a suspension). */
  async newRound(
    principal: Principal,
    studyId: string,
    raterId: string,
  ): Promise<OwnQualificationView> {
    return this.tx.run(async (tx) => {
      await this.studies.requireStudyRole(principal, studyId, ['coordinator'], tx);
      await this.requireRater(tx, studyId, raterId);
      const before = await this.quality.lockQualification(tx, studyId, raterId);
      const actor = actorOf(principal, 'admin');
      if (before?.suspendedAt) await this.reinstate(tx, studyId, raterId, actor, 'in-training');
      await this.startRound(tx, studyId, raterId, actor, true);
      return this.ownState(tx, studyId, raterId);
    });
  }

  /** Qualification by hand after review: always with a reason, always audited. */
  async grant(
    principal: Principal,
    studyId: string,
    raterId: string,
    reason: string,
  ): Promise<OwnQualificationView> {
    return this.tx.run(async (tx) => {
      await this.studies.requireStudyRole(principal, studyId, ['coordinator'], tx);
      await this.requireRater(tx, studyId, raterId);
      const before = await this.quality.lockQualification(tx, studyId, raterId);
      const open = await this.quality.openRound(tx, studyId, raterId);
      if (open) await this.quality.decideRound(tx, open.id, 'cancelled', null);
      await this.quality.setStatus(tx, studyId, raterId, 'qualified');
      await this.quality.setSuspension(tx, studyId, raterId, null, 'qualified');
      await this.events.publish(tx, 'reader-quality.rater-cleared', { studyId, raterId });
      await this.audit.record(tx, {
        actor: actorOf(principal, 'admin'),
        action: AuditAction.QualificationGranted,
        entityType: 'user',
        entityId: raterId,
        studyId,
        before: {
          raterId,
          status: before?.status ?? null,
          suspended: Boolean(before?.suspendedAt),
        },
        after: {
          raterId,
          status: 'qualified',
          suspended: false,
          cancelledRoundId: open?.id ?? null,
        },
        reason,
      });
      return this.ownState(tx, studyId, raterId);
    });
  }

  async suspend(
    principal: Principal,
    studyId: string,
    raterId: string,
    reason: string,
  ): Promise<OwnQualificationView> {
    return this.tx.run(async (tx) => {
      await this.studies.requireStudyRole(principal, studyId, ['coordinator'], tx);
      await this.requireRater(tx, studyId, raterId);
      const before = await this.quality.lockQualification(tx, studyId, raterId);
      if (before?.suspendedAt) throw conflict('This rater is already suspended');
      await this.quality.setSuspension(tx, studyId, raterId, reason, 'qualified');
      await this.events.publish(tx, 'reader-quality.rater-suspended', { studyId, raterId });
      await this.audit.record(tx, {
        actor: actorOf(principal, 'admin'),
        action: AuditAction.RaterSuspended,
        entityType: 'user',
        entityId: raterId,
        studyId,
        before: { raterId, suspended: false },
        after: { raterId, suspended: true },
        reason,
      });
      return this.ownState(tx, studyId, raterId);
    });
  }

  private async reinstate(
    tx: EntityManager,
    studyId: string,
    raterId: string,
    actor: AuditActor,
    status: QualificationStatus,
  ): Promise<void> {
    await this.quality.setSuspension(tx, studyId, raterId, null, status);
    await this.audit.record(tx, {
      actor,
      action: AuditAction.RaterReinstated,
      entityType: 'user',
      entityId: raterId,
      studyId,
      before: { raterId, suspended: true },
      after: { raterId, suspended: false },
    });
  }

  // ---- what a rater may see ------------------------------------------------------------------

  private async ownState(
    tx: EntityManager | undefined,
    studyId: string,
    raterId: string,
  ): Promise<OwnQualificationView> {
    const { readerQuality } = withDefaults(await this.studiesRepository.settings(studyId, tx));
    const row = await this.quality.qualification(studyId, raterId, tx);
    const status: QualificationStatus =
      readerQuality.qualificationSetCount === 0 ? 'qualified' : (row?.status ?? 'in-training');
    return { status, suspended: Boolean(row?.suspendedAt) };
  }

  async myQualification(principal: Principal, studyId: string): Promise<OwnQualificationView> {
    await this.studies.requireStudyRole(principal, studyId, ['rater']);
    return this.ownState(undefined, studyId, principal.userId);
  }

  /**
   * Training feedback: the reference of a calibration set, to the rater who has just read it,
   * when the study shows it. Any other task (live, re-read, not yet submitted, someone else's)
   * gets the same 404 as a task that does not exist.
   */
  async reference(principal: Principal, readTaskId: string): Promise<ReferenceView> {
    const row = await this.quality.referenceForOwnTask(principal.userId, readTaskId);
    if (!row) throw notFound(REFERENCE_NOT_FOUND);
    const { readerQuality } = withDefaults(await this.studiesRepository.settings(row.studyId));
    if (!readerQuality.trainingFeedback) throw notFound(REFERENCE_NOT_FOUND);
    return { top: row.top, back: row.back, left: row.left, right: row.right, salt: row.salt };
  }
}
