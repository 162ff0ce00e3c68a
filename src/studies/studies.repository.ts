import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { changed, column, execute, firstRow, Row, rows } from '../database/typed-query';
import { StudyMemberEntity } from './study-member.entity';
import { StudyRole } from './study-role';
import { StudySettings } from './study-settings';
import { StudyEntity } from './study.entity';

export interface StudyWithRoles {
  study: StudyEntity;
  /** The caller's study roles as stored (not yet narrowed by their global roles). */
  roles: StudyRole[];
}

const MEMBER = {
  userId: column.text(),
  email: column.text(),
  name: column.text(),
  roles: column.json<StudyRole[]>(),
  /** The user's global roles: a study role is effective only with the matching global role. */
  globalRoles: column.json<string[]>(),
  active: column.bool(),
};
export type MemberRow = Row<typeof MEMBER>;
const SELECT_MEMBER = `SELECT u.id AS user_id, u.email, u.name, m.roles, u.roles AS global_roles,
    u.active FROM study_members m JOIN users u ON u.id = m.user_id`;

const STATUS_COUNT = { status: column.text(), count: column.count() };

@Injectable()
export class StudiesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  async create(
    tx: EntityManager,
    study: Pick<StudyEntity, 'code' | 'title' | 'settings'>,
  ): Promise<StudyEntity> {
    const row = tx.create(StudyEntity, study);
    await tx.insert(StudyEntity, row);
    return tx.findOneByOrFail(StudyEntity, { id: row.id });
  }

  async codeTaken(tx: EntityManager, code: string): Promise<boolean> {
    const study = await firstRow(
      tx,
      { id: column.text() },
      'SELECT id FROM studies WHERE code = $1',
      [code],
    );
    return study !== null;
  }

  findById(id: string, tx?: EntityManager): Promise<StudyEntity | null> {
    return this.manager(tx).findOneBy(StudyEntity, { id });
  }

  /** Locks the study so concurrent settings changes apply one after the other. */
  /** Holds off settings changes (which lock the row for update) until `tx` ends. */
  async lockShared(tx: EntityManager, id: string): Promise<void> {
    await execute(tx, 'SELECT 1 FROM studies WHERE id = $1 FOR SHARE', [id]);
  }

  findByIdForUpdate(tx: EntityManager, id: string): Promise<StudyEntity | null> {
    return tx.findOne(StudyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async update(
    tx: EntityManager,
    id: string,
    changes: Partial<Pick<StudyEntity, 'title' | 'settings'>>,
  ): Promise<StudyEntity> {
    await tx.update(StudyEntity, { id }, changes);
    return tx.findOneByOrFail(StudyEntity, { id });
  }

  async settings(studyId: string, tx?: EntityManager): Promise<StudySettings | null> {
    const row = await firstRow(
      this.manager(tx),
      { settings: column.json<StudySettings>() },
      'SELECT settings FROM studies WHERE id = $1',
      [studyId],
    );
    return row?.settings ?? null;
  }

  listAll(): Promise<StudyEntity[]> {
    return this.dataSource.manager.find(StudyEntity, { order: { code: 'ASC' } });
  }

  /** Every study the user is a member of, with their stored roles there. */
  async listForUser(userId: string): Promise<StudyWithRoles[]> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(StudyEntity, 's')
      .innerJoin(StudyMemberEntity, 'm', 'm.study_id = s.id AND m.user_id = :userId', { userId })
      .addSelect('m.roles', 'member_roles')
      .orderBy('s.code', 'ASC')
      .getRawAndEntities<{ member_roles: StudyRole[] }>();
    return rows.entities.map((study, index) => ({
      study,
      roles: rows.raw[index]?.member_roles ?? [],
    }));
  }

  async memberRoles(studyId: string, userId: string, tx?: EntityManager): Promise<StudyRole[]> {
    const row = await this.manager(tx).findOneBy(StudyMemberEntity, { studyId, userId });
    return row?.roles ?? [];
  }

  /** Locks the membership row (if any) so concurrent changes to it serialize. */
  async memberForUpdate(
    tx: EntityManager,
    studyId: string,
    userId: string,
  ): Promise<StudyMemberEntity | null> {
    return tx.findOne(StudyMemberEntity, {
      where: { studyId, userId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async upsertMember(
    tx: EntityManager,
    studyId: string,
    userId: string,
    roles: StudyRole[],
  ): Promise<void> {
    await execute(
      tx,
      `INSERT INTO study_members (study_id, user_id, roles) VALUES ($1, $2, $3)
       ON CONFLICT (study_id, user_id) DO UPDATE SET roles = EXCLUDED.roles, updated_at = now()`,
      [studyId, userId, roles],
    );
  }

  async removeMember(tx: EntityManager, studyId: string, userId: string): Promise<boolean> {
    return changed(
      tx,
      'DELETE FROM study_members WHERE study_id = $1 AND user_id = $2 RETURNING user_id',
      [studyId, userId],
    );
  }

  async listMembers(studyId: string, tx?: EntityManager): Promise<MemberRow[]> {
    return rows(
      this.manager(tx),
      MEMBER,
      `${SELECT_MEMBER} WHERE m.study_id = $1 ORDER BY u.name, u.email`,
      [studyId],
    );
  }

  async member(studyId: string, userId: string, tx?: EntityManager): Promise<MemberRow | null> {
    return firstRow(
      this.manager(tx),
      MEMBER,
      `${SELECT_MEMBER} WHERE m.study_id = $1 AND m.user_id = $2`,
      [studyId, userId],
    );
  }

  /** Active users holding `role` both in the study and globally. */
  async membersWithRole(tx: EntityManager, studyId: string, role: StudyRole): Promise<MemberRow[]> {
    return rows(
      tx,
      MEMBER,
      `${SELECT_MEMBER}
        WHERE m.study_id = $1 AND $2 = ANY(m.roles) AND $2 = ANY(u.roles) AND u.active
        ORDER BY u.id`,
      [studyId, role],
    );
  }

  async statusCounts(studyId: string): Promise<Record<string, number>> {
    const counts = await rows(
      this.dataSource.manager,
      STATUS_COUNT,
      'SELECT status, count(*) AS count FROM photo_sets WHERE study_id = $1 GROUP BY status',
      [studyId],
    );
    return Object.fromEntries(counts.map((row) => [row.status, row.count]));
  }

  /**
   * The visit labels the study's photo sets use, in order of first upload (ties by label): the
   * schedule of a study that has none, and the labels a new schedule must keep.
   */
  async visitsInUploadOrder(studyId: string, tx?: EntityManager): Promise<string[]> {
    const found = await rows(
      this.manager(tx),
      { visit: column.text() },
      `SELECT visit FROM photo_sets s WHERE study_id = $1
          -- Calibration sets (reader-quality/) are not visits of the trial.
          AND NOT EXISTS (SELECT 1 FROM calibration_sets c WHERE c.photo_set_id = s.id)
        GROUP BY visit ORDER BY min(created_at), visit`,
      [studyId],
    );
    return found.map((row) => row.visit);
  }
}
