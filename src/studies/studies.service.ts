import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { actorOf, Principal } from '../auth/principal';
import { conflict, invalid, notFound } from '../common/domain-error';
import { PHOTO_SET_STATUSES } from '../common/photo-set-status';
import { TransactionService } from '../database/transaction.service';
import { DomainEvents } from '../events/domain-events.service';
import { UsersRepository } from '../users/users.repository';
import { CreateStudyDto, StudySettingsDto, UpdateStudyDto } from './dto/study.dto';
import { MemberRow, StudiesRepository } from './studies.repository';
import { blindingConflict, StudyRole } from './study-role';
import {
  DEFAULT_STUDY_SETTINGS,
  effectiveSchedule,
  ScheduledVisit,
  scheduleProblems,
  StudySettings,
  withDefaults,
} from './study-settings';
import { StudyEntity } from './study.entity';
import { StudyLockService } from './study-lock.service';
import { MemberView, StudyDetail, StudyListItem, StudyView, toStudyView } from './study.view';

export type { MembershipChange } from './study.events';

/** Study roles that are about one's own tasks: being an admin does not make one a rater. */
const OWN_WORK_ROLES: readonly StudyRole[] = ['rater', 'adjudicator'];

/** Study roles that see the study's progress and results unblinded. */
const UNBLINDED_ROLES: readonly StudyRole[] = ['coordinator', 'auditor'];

/**
 * A study role counts only while the user also holds the matching global role, so taking a
 * global role away from someone takes it away in every study at once.
 */
export function effectiveRoles(
  principal: Pick<Principal, 'roles'>,
  stored: StudyRole[],
): StudyRole[] {
  return stored.filter((role) => (principal.roles as string[]).includes(role));
}

function isAdmin(principal: Pick<Principal, 'roles'>): boolean {
  return principal.roles.includes('admin');
}

function sameSettings(a: StudySettings, b: StudySettings): boolean {
  return (
    a.maxDifference === b.maxDifference &&
    a.pairing === b.pairing &&
    a.adjudication === b.adjudication &&
    a.thresholds.length === b.thresholds.length &&
    a.thresholds.every((value, index) => value === b.thresholds[index]) &&
    JSON.stringify(a.visits) === JSON.stringify(b.visits) &&
    JSON.stringify(a.readerQuality) === JSON.stringify(b.readerQuality) &&
    a.signatureEverySigning === b.signatureEverySigning
  );
}

function mergeSettings(base: StudySettings, input: StudySettingsDto | undefined): StudySettings {
  return {
    maxDifference: input?.maxDifference ?? base.maxDifference,
    thresholds: input?.thresholds ? [...input.thresholds] : [...base.thresholds],
    pairing: input?.pairing ?? base.pairing,
    adjudication: input?.adjudication ?? base.adjudication,
    visits: input?.visits
      ? input.visits.map((visit) => ({
          label: visit.label,
          plannedDay: visit.plannedDay ?? null,
          baseline: visit.baseline,
        }))
      : base.visits.map((visit) => ({ ...visit })),
    readerQuality: { ...base.readerQuality, ...(input?.readerQuality ?? {}) },
    signatureEverySigning: input?.signatureEverySigning ?? base.signatureEverySigning,
  };
}

@Injectable()
export class StudiesService {
  constructor(
    private readonly studies: StudiesRepository,
    private readonly users: UsersRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly locks: StudyLockService,
  ) {}

  /**
   * The study, if the caller may act in it with one of `roles`; otherwise 404, so outsiders
   * cannot even tell the study exists. Admins pass any staff check (coordinator, auditor) but not
   * a check that only rater or adjudicator roles satisfy: those are about one's own reads.
   */
  async requireStudyRole(
    principal: Principal,
    studyId: string,
    roles: StudyRole[],
    tx?: EntityManager,
  ): Promise<StudyEntity> {
    const study = await this.studies.findById(studyId, tx);
    if (!study) throw notFound('Study not found');
    const ownWorkOnly = roles.every((role) => OWN_WORK_ROLES.includes(role));
    if (isAdmin(principal) && !ownWorkOnly) return study;
    const stored = await this.studies.memberRoles(studyId, principal.userId, tx);
    const mine = effectiveRoles(principal, stored);
    if (!roles.some((role) => mine.includes(role))) throw notFound('Study not found');
    return study;
  }

  /** The study's charter settings (defaults filled in); throws notFound for an unknown study. */
  async getSettings(studyId: string, tx?: EntityManager): Promise<StudySettings> {
    const settings = await this.studies.settings(studyId, tx);
    if (!settings) throw notFound('Study not found');
    return withDefaults(settings);
  }

  /**
   * One message per visit of `labels` that the study's schedule does not list, naming it and
   * the schedule, so an upload or import refuses it clearly. A study without a schedule yet
   * accepts any visit. Inside a transaction the study's row is share-locked, so a schedule change
   * that would drop one of these visits waits for the new set and then sees it.
   */
  async unscheduledVisits(
    studyId: string,
    labels: string[],
    tx?: EntityManager,
  ): Promise<{ visit: string; message: string }[]> {
    if (tx) await this.studies.lockShared(tx, studyId);
    const { visits } = await this.getSettings(studyId, tx);
    if (visits.length === 0) return [];
    const scheduled = visits.map((visit) => visit.label);
    return [...new Set(labels)]
      .filter((label) => !scheduled.includes(label))
      .map((visit) => ({
        visit,
        message: `visit "${visit}" is not in the study's visit schedule (${scheduled.join(', ')})`,
      }));
  }

  /** The schedule endpoints use: the charter's, or the labels in use (see effectiveSchedule). */
  async effectiveSchedule(studyId: string): Promise<ScheduledVisit[]> {
    const { visits } = await this.getSettings(studyId);
    return effectiveSchedule(visits, await this.studies.visitsInUploadOrder(studyId));
  }

  /** Active users who hold `role` in the study and globally. */
  membersWithRole(tx: EntityManager, studyId: string, role: StudyRole): Promise<MemberRow[]> {
    return this.studies.membersWithRole(tx, studyId, role);
  }

  async create(principal: Principal, input: CreateStudyDto): Promise<StudyView> {
    const settings = mergeSettings(DEFAULT_STUDY_SETTINGS, input.settings);
    if (input.settings?.visits) throwIfInvalid(scheduleProblems(settings.visits));
    return this.tx.run(async (tx) => {
      if (await this.studies.codeTaken(tx, input.code)) {
        throw conflict('A study with this code already exists');
      }
      const study = await this.studies.create(tx, {
        code: input.code,
        title: input.title,
        settings,
      });
      await this.audit.record(tx, {
        actor: actorOf(principal, 'admin'),
        action: AuditAction.StudyCreated,
        entityType: 'study',
        entityId: study.id,
        studyId: study.id,
        after: { code: study.code, title: study.title, settings: study.settings },
      });
      return toStudyView(study);
    });
  }

  async list(principal: Principal): Promise<StudyListItem[]> {
    if (isAdmin(principal)) {
      const all = await this.studies.listAll();
      const mine = new Map(
        (await this.studies.listForUser(principal.userId)).map((row) => [row.study.id, row.roles]),
      );
      return all.map((study) => ({
        ...toStudyView(study),
        myRoles: effectiveRoles(principal, mine.get(study.id) ?? []),
      }));
    }
    return (await this.studies.listForUser(principal.userId))
      .map(({ study, roles }) => {
        const myRoles = effectiveRoles(principal, roles);
        return { ...viewFor(study, myRoles), myRoles };
      })
      .filter((study) => study.myRoles.length > 0);
  }

  async get(principal: Principal, studyId: string): Promise<StudyDetail> {
    const study = await this.studies.findById(studyId);
    if (!study) throw notFound('Study not found');
    const myRoles = effectiveRoles(
      principal,
      await this.studies.memberRoles(studyId, principal.userId),
    );
    if (!isAdmin(principal) && myRoles.length === 0) throw notFound('Study not found');
    // Set counts by status move when a pair turns discordant or final: a rater or adjudicator
    // watching them would learn what their own read caused. Their queues carry their own counts.
    const unblinded = isAdmin(principal) || myRoles.some((role) => UNBLINDED_ROLES.includes(role));
    if (!unblinded) return { ...viewFor(study, myRoles), myRoles };
    const counts = await this.studies.statusCounts(studyId);
    // Every status is present, zero when no set has it.
    const statusCounts = Object.fromEntries(
      PHOTO_SET_STATUSES.map((status) => [status, counts[status] ?? 0]),
    );
    return { ...toStudyView(study), myRoles, statusCounts };
  }

  async update(principal: Principal, studyId: string, input: UpdateStudyDto): Promise<StudyView> {
    return this.tx.run(async (tx) => {
      const before = await this.studies.findByIdForUpdate(tx, studyId);
      if (!before) throw notFound('Study not found');
      const beforeSettings = withDefaults(before.settings);
      const settings = mergeSettings(beforeSettings, input.settings);
      const settingsChanged = !sameSettings(beforeSettings, settings);
      const titleChanged = input.title !== undefined && input.title !== before.title;
      // The charter decides which pairs go to adjudication; changing it mid-study must be justified.
      if (settingsChanged && !input.reason) {
        throw invalid(['reason is required when the settings change']);
      }
      if (input.settings?.visits) {
        throwIfInvalid(scheduleProblems(settings.visits));
        // A set's visit must stay on the schedule, or its final score would belong to no visit.
        const listed = new Set(settings.visits.map((visit) => visit.label));
        const dropped = (await this.studies.visitsInUploadOrder(studyId, tx)).filter(
          (label) => !listed.has(label),
        );
        throwIfInvalid(
          dropped.map((label) => `visits: "${label}" has photo sets and must stay on the schedule`),
        );
      }
      if (!settingsChanged && !titleChanged) return toStudyView(before);
      const after = await this.studies.update(tx, studyId, {
        ...(titleChanged && { title: input.title }),
        ...(settingsChanged && { settings }),
      });
      await this.audit.record(tx, {
        actor: actorOf(principal, 'admin'),
        action: settingsChanged ? AuditAction.StudySettingsChanged : AuditAction.StudyChanged,
        entityType: 'study',
        entityId: studyId,
        studyId,
        before: { title: before.title, settings: beforeSettings },
        after: { title: after.title, settings: withDefaults(after.settings) },
        reason: input.reason ?? null,
      });
      return toStudyView(after);
    });
  }

  async listMembers(studyId: string): Promise<MemberView[]> {
    if (!(await this.studies.findById(studyId))) throw notFound('Study not found');
    return (await this.studies.listMembers(studyId)).map(toMemberView);
  }

  async putMember(
    principal: Principal,
    studyId: string,
    userId: string,
    roles: StudyRole[],
  ): Promise<MemberView> {
    return this.tx.run(async (tx) => {
      const study = await this.studies.findByIdForUpdate(tx, studyId);
      if (!study) throw notFound('Study not found');
      await this.locks.assertOpen(tx, studyId);
      const user = await this.users.findById(userId, tx);
      if (!user) throw notFound('User not found');
      const lacking = roles.filter((role) => !(user.roles as string[]).includes(role));
      if (lacking.length) {
        throw invalid(
          lacking.map((role) => `the user does not hold the global role ${role} needed for it`),
        );
      }
      const mixed = blindingConflict(roles);
      if (mixed) throw invalid([mixed]);
      const existing = await this.studies.memberForUpdate(tx, studyId, userId);
      const previous = existing?.roles ?? [];
      const addedRoles = roles.filter((role) => !previous.includes(role));
      const removedRoles = previous.filter((role) => !roles.includes(role));
      await this.studies.upsertMember(tx, studyId, userId, roles);
      if (addedRoles.length || removedRoles.length || !existing) {
        await this.events.publish(tx, 'study.membership-changed', {
          studyId,
          userId,
          removedRoles,
          addedRoles,
        });
        await this.audit.record(tx, {
          actor: actorOf(principal, 'admin'),
          action: AuditAction.MembershipChanged,
          entityType: 'study',
          entityId: studyId,
          studyId,
          before: existing ? { userId, roles: previous } : null,
          after: { userId, roles },
        });
      }
      const member = await this.studies.member(studyId, userId, tx);
      if (!member) throw notFound('User not found');
      return toMemberView(member);
    });
  }

  async removeMember(principal: Principal, studyId: string, userId: string): Promise<void> {
    await this.tx.run(async (tx) => {
      const study = await this.studies.findByIdForUpdate(tx, studyId);
      if (!study) throw notFound('Study not found');
      await this.locks.assertOpen(tx, studyId);
      const existing = await this.studies.memberForUpdate(tx, studyId, userId);
      if (!existing) throw notFound('Member not found');
      await this.studies.removeMember(tx, studyId, userId);
      await this.events.publish(tx, 'study.membership-changed', {
        studyId,
        userId,
        removedRoles: existing.roles,
        addedRoles: [],
      });
      await this.audit.record(tx, {
        actor: actorOf(principal, 'admin'),
        action: AuditAction.MembershipRemoved,
        entityType: 'study',
        entityId: studyId,
        studyId,
        before: { userId, roles: existing.roles },
        after: { userId, roles: [] },
      });
    });
  }
}

/**
 * The study as a member sees it. Someone who only reads blind (rater, adjudicator) gets an
 * empty visit schedule: its labels are the very words a set's visit is called by, and they
 * have no use for them.
 */
function viewFor(study: StudyEntity, myRoles: StudyRole[]): StudyView {
  const view = toStudyView(study);
  if (myRoles.some((role) => UNBLINDED_ROLES.includes(role))) return view;
  return { ...view, settings: { ...view.settings, visits: [] } };
}

function throwIfInvalid(problems: string[]): void {
  if (problems.length) throw invalid(problems);
}

function toMemberView(member: MemberRow): MemberView {
  return {
    userId: member.userId,
    email: member.email,
    name: member.name,
    roles: member.roles,
    active: member.active,
  };
}
