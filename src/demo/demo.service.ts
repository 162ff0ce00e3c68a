import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import { Principal } from '../auth/principal';
import { hashPassword } from '../auth/password';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { column, execute, firstRow, oneRow } from '../database/typed-query';
import { TransactionService } from '../database/transaction.service';
import { VIEWS } from '../photo-sets/photo-set.entity';
import { UploadedFiles } from '../photo-sets/multipart.interceptor';
import { PhotoSetsService } from '../photo-sets/photo-sets.service';
import { StudiesRepository } from '../studies/studies.repository';
import { StudyRole } from '../studies/study-role';
import { DEFAULT_STUDY_SETTINGS } from '../studies/study-settings';
import { Role } from '../auth/role';
import { UsersRepository } from '../users/users.repository';
import { scalpImage } from './scalp-image';

export const DEMO_STUDY_CODE = 'DEMO';
const DEMO_LOCK = 0x5a17_0d30;
const ID = { id: column.text() };

interface DemoAccount {
  key: string;
  name: string;
  roles: Role[];
  studyRoles: StudyRole[];
}

const ACCOUNTS: DemoAccount[] = [
  ...[1, 2, 3, 4].map((n) => ({
    key: `rater${n}`,
    name: `Demo Rater ${n}`,
    roles: ['rater'] as Role[],
    studyRoles: ['rater'] as StudyRole[],
  })),
  {
    key: 'adjudicator',
    name: 'Demo Adjudicator',
    roles: ['adjudicator'],
    studyRoles: ['adjudicator'],
  },
  {
    key: 'coordinator',
    name: 'Demo Coordinator',
    roles: ['coordinator'],
    studyRoles: ['coordinator'],
  },
  { key: 'auditor', name: 'Demo Auditor', roles: ['auditor'], studyRoles: ['auditor'] },
];

export const DEMO_SUBJECTS = ['DEMO-001', 'DEMO-002', 'DEMO-003'];
export const DEMO_VISITS = [
  { visit: 'baseline', date: '2026-01-12', plannedDay: 1 },
  { visit: 'week-12', date: '2026-04-06', plannedDay: 85 },
  { visit: 'week-24', date: '2026-06-29', plannedDay: 169 },
  { visit: 'week-36', date: '2026-09-21', plannedDay: 253 },
];

export interface DemoCredentials {
  email: string;
  name: string;
  password: string;
  roles: Role[];
}

export interface DemoResult {
  created: boolean;
  studyId: string;
  accounts: DemoCredentials[];
  photoSetIds: string[];
}

/**
 * The demo study: four raters, an adjudicator, a coordinator and an auditor, and 12 photo sets
 * (3 subjects × 4 visits) of generated scalp images uploaded through the real upload path, so
 * ingest, assignment and the raters' queues all run as they would for real data. Idempotent:
 * an existing demo study is left alone (its passwords were printed when it was created).
 */
@Injectable()
export class DemoService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly studies: StudiesRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly photoSets: PhotoSetsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * SALT_DEMO=true: seeds in the background, so start-up (and the health check) does not wait
   * for 48 images to be drawn and uploaded.
   */
  onApplicationBootstrap(): void {
    if (!this.config.demo) return;
    void this.ensureDemo().then(
      (result) =>
        result.created
          ? this.logger.log(`demo data created:\n${describeDemo(result)}`)
          : this.logger.log('demo study already exists; left as it is'),
      (error: unknown) => this.logger.error({ err: error }, 'demo data could not be created'),
    );
  }

  async ensureDemo(): Promise<DemoResult> {
    const setup = await this.tx.run((tx) => this.createStudyAndAccounts(tx));
    const photoSetIds = await this.uploadSets(setup.studyId, setup.coordinator);
    return {
      created: setup.accounts.length > 0,
      studyId: setup.studyId,
      accounts: setup.accounts,
      photoSetIds,
    };
  }

  private async createStudyAndAccounts(tx: EntityManager): Promise<{
    studyId: string;
    accounts: DemoCredentials[];
    coordinator: Principal;
  }> {
    // Several processes may start with SALT_DEMO=true at once: one creates, the others skip.
    await execute(tx, 'SELECT pg_advisory_xact_lock($1)', [DEMO_LOCK]);
    const existing = await firstRow(tx, ID, `SELECT id FROM studies WHERE code = $1`, [
      DEMO_STUDY_CODE,
    ]);
    if (existing) {
      const coordinator = await firstRow(
        tx,
        { id: column.text(), email: column.text(), name: column.text() },
        `SELECT u.id, u.email, u.name FROM study_members m JOIN users u ON u.id = m.user_id
          WHERE m.study_id = $1 AND 'coordinator' = ANY(m.roles) AND u.active LIMIT 1`,
        [existing.id],
      );
      return {
        studyId: existing.id,
        accounts: [],
        coordinator: principalOf(coordinator ?? { id: '', email: '', name: '' }),
      };
    }
    const study = await this.studies.create(tx, {
      code: DEMO_STUDY_CODE,
      title: 'Demo: low-dose IL-2 in alopecia areata (synthetic images)',
      // The demo study has its charter's visit schedule, so uploads are checked against it.
      settings: {
        ...DEFAULT_STUDY_SETTINGS,
        visits: DEMO_VISITS.map(({ visit, plannedDay }) => ({
          label: visit,
          plannedDay,
          baseline: visit === 'baseline',
        })),
      },
    });
    await this.audit.record(tx, {
      actor: SYSTEM_ACTOR,
      action: AuditAction.StudyCreated,
      entityType: 'study',
      entityId: study.id,
      studyId: study.id,
      after: { code: study.code, title: study.title, settings: study.settings, demo: true },
    });
    const accounts: DemoCredentials[] = [];
    let coordinator: Principal | undefined;
    for (const account of ACCOUNTS) {
      const email = `${account.key}@demo.salt-reader.test`;
      const password = `demo-${randomBytes(6).toString('hex')}`;
      const taken = await this.users.emailTaken(tx, email);
      const user = taken
        ? await this.users.update(tx, await this.idOf(tx, email), {
            passwordHash: await hashPassword(password),
            active: true,
            roles: account.roles,
          })
        : await this.users.create(tx, {
            email,
            name: account.name,
            passwordHash: await hashPassword(password),
            roles: account.roles,
          });
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: taken ? AuditAction.UserChanged : AuditAction.UserCreated,
        entityType: 'user',
        entityId: user.id,
        after: { email, name: user.name, roles: account.roles, demo: true },
      });
      await this.studies.upsertMember(tx, study.id, user.id, account.studyRoles);
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: AuditAction.MembershipChanged,
        entityType: 'study',
        entityId: study.id,
        studyId: study.id,
        after: { userId: user.id, roles: account.studyRoles },
      });
      accounts.push({ email, name: user.name, password, roles: account.roles });
      if (account.key === 'coordinator') coordinator = principalOf(user);
    }
    return { studyId: study.id, accounts, coordinator: coordinator as Principal };
  }

  private async idOf(tx: EntityManager, email: string): Promise<string> {
    const user = await oneRow(tx, ID, `SELECT id FROM users WHERE lower(email) = lower($1)`, [
      email,
    ]);
    return user.id;
  }

  /** Through PhotoSetsService.upload, exactly as a coordinator's upload would go. */
  private async uploadSets(studyId: string, coordinator: Principal): Promise<string[]> {
    const ids: string[] = [];
    for (const [subjectIndex, subjectCode] of DEMO_SUBJECTS.entries()) {
      for (const [visitIndex, { visit, date }] of DEMO_VISITS.entries()) {
        const existing = await firstRow(
          this.tx.manager,
          ID,
          `SELECT s.id FROM photo_sets s JOIN subjects sub ON sub.id = s.subject_id
            WHERE s.study_id = $1 AND sub.code = $2 AND s.visit = $3`,
          [studyId, subjectCode, visit],
        );
        if (existing) {
          ids.push(existing.id);
          continue;
        }
        // Hair comes back over the visits, at a different pace for each subject.
        const coverage = Math.min(0.95, 0.2 + visitIndex * (0.08 + subjectIndex * 0.07));
        const entries: [string, Express.Multer.File[]][] = await Promise.all(
          VIEWS.map(async (view, viewIndex) => {
            const buffer = await scalpImage({
              seed: 1000 * subjectIndex + 100 * visitIndex + viewIndex + 1,
              coverage: Math.max(0.05, coverage - (view === 'top' ? 0.1 : 0)),
            });
            const file = {
              fieldname: view,
              originalname: `${view}.jpg`,
              encoding: '7bit',
              mimetype: 'image/jpeg',
              size: buffer.length,
              buffer,
            } as Express.Multer.File;
            return [view, [file]];
          }),
        );
        const files: UploadedFiles = Object.fromEntries(entries);
        try {
          const { id } = await this.photoSets.upload(
            coordinator,
            studyId,
            { subjectCode, visit, visitDate: date },
            files,
          );
          ids.push(id);
        } catch (error) {
          // Another process seeding at the same moment uploaded this one first.
          if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
        }
      }
    }
    return ids;
  }
}

function principalOf(user: { id: string; email: string; name: string }): Principal {
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    roles: ['coordinator'],
    via: 'session',
    credentialId: 'demo-seed',
    scope: 'full',
  };
}

export function describeDemo(result: DemoResult): string {
  const lines = result.accounts.map(
    (account) =>
      `  ${account.roles.join(',').padEnd(12)} ${account.email.padEnd(36)} ${account.password}`,
  );
  return [
    `Demo study ${DEMO_STUDY_CODE} (${result.studyId}): ${result.photoSetIds.length} photo sets`,
    'Sign in with (passwords are shown only now):',
    ...lines,
  ].join('\n');
}
