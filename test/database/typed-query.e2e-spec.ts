import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import {
  changed,
  column,
  compactRows,
  entityColumns,
  firstRow,
  rows,
  selectList,
} from '../../src/database/typed-query';
import { ReadEntity } from '../../src/reads/read.entity';
import { cloneTestDatabase } from '../support/test-app';
import { databaseUrl } from '../support/test-env';

describe('typed queries', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions({ databaseUrl: databaseUrl(await cloneTestDatabase()) }));
    await db.initialize();
  });

  afterAll(async () => {
    await db.destroy();
  });

  it('reads counts and numerics as numbers, and keys in camelCase from snake_case columns', async () => {
    const [row] = await rows(
      db,
      { openTasks: column.count(), salt: column.numeric(), top: column.numericOrNull() },
      `SELECT count(*) AS open_tasks, 12.5::numeric(4,1) AS salt, NULL::numeric AS top
         FROM generate_series(1, 3)`,
    );
    expect(row).toEqual({ openTasks: 3, salt: 12.5, top: null });
  });

  it("reads an entity's columns through its transformers, under its property names", async () => {
    const read = entityColumns(ReadEntity);
    const row = await firstRow(
      db,
      read,
      `SELECT ${selectList(read, 'r')}
         FROM (VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(),
                       2, 10.5::numeric(4,1), 20::numeric(4,1), 0.1::numeric(4,1),
                       33.3::numeric(4,1), 15.2::numeric(4,1), NULL::text, 'typo'::text,
                       '2026-01-02T03:04:05Z'::timestamptz))
           AS r(id, read_task_id, photo_set_id, rater_id, version, score_top, score_back,
                score_left, score_right, salt, idempotency_key, correction_reason, submitted_at)`,
    );
    expect(row).toMatchObject({
      version: 2,
      top: 10.5,
      back: 20,
      left: 0.1,
      right: 33.3,
      salt: 15.2,
      idempotencyKey: null,
      correctionReason: 'typo',
      submittedAt: new Date('2026-01-02T03:04:05Z'),
    });
    expect(typeof row?.readTaskId).toBe('string');
  });

  it('fails loudly when the SQL does not select a column of the shape', async () => {
    await expect(
      rows(db, { raterId: column.text() }, `SELECT gen_random_uuid() AS "raterId"`),
    ).rejects.toThrow('query result has no column "rater_id"');
  });

  it('returns the rows of UPDATE … RETURNING and says whether a conditional change applied', async () => {
    await db.transaction(async (tx) => {
      await tx.query(`CREATE TEMP TABLE things (id int PRIMARY KEY, status text) ON COMMIT DROP`);
      await tx.query(`INSERT INTO things VALUES (1, 'open'), (2, 'open')`);
      const moved = await rows(
        tx,
        { id: column.int(), status: column.text<'open' | 'done'>() },
        `UPDATE things SET status = 'done' WHERE status = 'open' RETURNING id, status`,
      );
      expect(moved.sort((a, b) => a.id - b.id)).toEqual([
        { id: 1, status: 'done' },
        { id: 2, status: 'done' },
      ]);
      expect(
        await changed(tx, `UPDATE things SET status = 'x' WHERE status = 'open' RETURNING 1`),
      ).toBe(false);
      expect(await changed(tx, `UPDATE things SET status = 'x' WHERE id = 1 RETURNING 1`)).toBe(
        true,
      );
    });
  });

  it("reads large results as array rows by the position of the shape's keys", async () => {
    const pairs = await compactRows(
      db,
      { month: column.text(), discordant: column.bool(), salt: column.numeric() },
      `SELECT to_char(date '2026-03-01' + n, 'YYYY-MM'), n % 2 = 0, (n / 10.0)::numeric(4,1)
         FROM generate_series(1, 3) AS n ORDER BY n`,
    );
    expect(pairs).toEqual([
      { month: '2026-03', discordant: false, salt: 0.1 },
      { month: '2026-03', discordant: true, salt: 0.2 },
      { month: '2026-03', discordant: false, salt: 0.3 },
    ]);
    await expect(compactRows(db, { month: column.text() }, `SELECT 'a', 'b'`)).rejects.toThrow(
      'query returned 2 columns, the shape has 1',
    );
  });
});
