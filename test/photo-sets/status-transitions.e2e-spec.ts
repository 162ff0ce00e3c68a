import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PhotoSetStatus } from '../../src/common/photo-set-status';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { PhotoSetsRepository } from '../../src/photo-sets/photo-sets.repository';
import { cloneTestDatabase } from '../support/test-app';
import { databaseUrl } from '../support/test-env';

/** PhotoSetsRepository.transition against real Postgres: the one writer of photo_sets.status. */
describe('photo set status transitions', () => {
  let db: DataSource;
  let sets: PhotoSetsRepository;
  let studyId: string;

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions({ databaseUrl: databaseUrl(await cloneTestDatabase()) }));
    await db.initialize();
    sets = new PhotoSetsRepository(db);
    const [study] = await db.query<{ id: string }[]>(
      `INSERT INTO studies (code, title) VALUES ($1, 'Transitions') RETURNING id`,
      [`TR-${randomBytes(4).toString('hex')}`],
    );
    studyId = study.id;
  });

  afterAll(async () => {
    await db.destroy();
  });

  /** A set in `status`, placed there directly: the test is about what may follow. */
  async function setIn(status: PhotoSetStatus): Promise<string> {
    return db.transaction(async (tx) => {
      const subjectId = await sets.upsertSubject(
        tx,
        studyId,
        `S-${randomBytes(4).toString('hex')}`,
      );
      const id = await sets.insertSet(tx, {
        studyId,
        subjectId,
        visit: 'baseline',
        visitDate: null,
        createdBy: null,
        importId: null,
      });
      await tx.query('UPDATE photo_sets SET status = $2 WHERE id = $1', [id, status]);
      return id;
    });
  }

  async function statusOf(id: string): Promise<{ status: string; updatedAt: Date }> {
    const [row] = await db.query<{ status: string; updatedAt: Date }[]>(
      'SELECT status, updated_at AS "updatedAt" FROM photo_sets WHERE id = $1',
      [id],
    );
    return row;
  }

  it('refuses a move missing from the transitions table and leaves the set as it was', async () => {
    const id = await setIn('processing');
    const before = await statusOf(id);
    await expect(
      db.transaction((tx) => sets.transition(tx, id, 'processing', 'final')),
    ).rejects.toThrow(/no transition from processing to final/);
    // One disallowed source among allowed ones is refused too: the caller's list is a bug.
    await expect(
      db.transaction((tx) => sets.transition(tx, id, ['reading', 'processing'], 'adjudicating')),
    ).rejects.toThrow(/no transition from processing to adjudicating/);
    expect(await statusOf(id)).toEqual(before);
  });

  it('refuses to reopen a set being adjudicated, though its status matches', async () => {
    const id = await setIn('adjudicating');
    await expect(
      db.transaction((tx) => sets.transition(tx, id, 'adjudicating', 'reading')),
    ).rejects.toThrow(/no transition from adjudicating to reading/);
    expect((await statusOf(id)).status).toBe('adjudicating');
  });

  it('makes an allowed move once: a second attempt from the old status changes nothing', async () => {
    const id = await setIn('reading');
    const before = await statusOf(id);
    expect(await db.transaction((tx) => sets.transition(tx, id, 'reading', 'adjudicating'))).toBe(
      true,
    );
    const after = await statusOf(id);
    expect(after.status).toBe('adjudicating');
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    expect(await db.transaction((tx) => sets.transition(tx, id, 'reading', 'final'))).toBe(false);
    expect((await statusOf(id)).status).toBe('adjudicating');
  });

  it('moves from any of several statuses', async () => {
    const final = await setIn('final');
    const reading = await setIn('reading');
    for (const id of [final, reading]) {
      expect(
        await db.transaction((tx) => sets.transition(tx, id, ['final', 'reading'], 'reading')),
      ).toBe(true);
      expect((await statusOf(id)).status).toBe('reading');
    }
  });
});
