import { randomBytes } from 'node:crypto';
import { addMember, ApiClient, insertReadySet, MadeUser, Make, scores } from './factories';
import {
  DEFAULT_READER_QUALITY,
  ReaderQualitySettings,
  StudySettings,
} from '../../src/studies/study-settings';
import { TestApp } from './test-app';

export interface QualityTask {
  id: string;
  photoSetId: string;
  raterId: string;
  kind: 'live' | 'calibration' | 'reread';
  status: string;
}

/** Every read task of a rater, with its kind (server-side only: the rater never sees it). */
export async function tasksOfRater(t: TestApp, raterId: string): Promise<QualityTask[]> {
  return t.db.query(
    `SELECT id, photo_set_id AS "photoSetId", rater_id AS "raterId", kind, status
       FROM read_tasks WHERE rater_id = $1 ORDER BY created_at, id`,
    [raterId],
  );
}

/** A ready set made a calibration set whose four views (and so its SALT) are all `salt`. */
export async function calibrationSet(
  t: TestApp,
  by: ApiClient,
  studyId: string,
  salt: number,
): Promise<string> {
  const set = await insertReadySet(t, studyId, `CAL-${randomBytes(3).toString('hex')}`, 'cal');
  const response = await by.put(`/studies/${studyId}/calibration-sets/${set.id}`, scores(salt));
  if (response.status !== 200) {
    throw new Error(`marking failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return set.id;
}

export async function raterInStudy(
  make: Make,
  admin: ApiClient,
  studyId: string,
): Promise<MadeUser> {
  const rater = await make.rater();
  await addMember(admin, studyId, rater.user.id, ['rater']);
  return rater;
}

/** The reference SALT of a calibration task's set. */
export async function referenceOf(t: TestApp, photoSetId: string): Promise<number> {
  const [row] = await t.db.query(
    `SELECT ref_salt::float8 AS salt FROM calibration_sets WHERE photo_set_id = $1`,
    [photoSetId],
  );
  return row.salt as number;
}

/** Scores each open calibration task of the rater at reference + offset (clipped to 0–100). */
export async function readCalibration(t: TestApp, rater: MadeUser, offset: number): Promise<void> {
  const open = (await tasksOfRater(t, rater.user.id)).filter(
    (task) => task.kind === 'calibration' && task.status === 'assigned',
  );
  for (const task of open) {
    const value = Math.min(100, Math.max(0, (await referenceOf(t, task.photoSetId)) + offset));
    const response = await rater.client.post(`/reads/${task.id}/score`, scores(value));
    if (response.status !== 201) {
      throw new Error(`scoring failed: ${response.status} ${JSON.stringify(response.body)}`);
    }
  }
}

export function charter(
  readerQuality: Partial<ReaderQualitySettings>,
  maxDifference = 10,
): Partial<StudySettings> {
  return { maxDifference, readerQuality: { ...DEFAULT_READER_QUALITY, ...readerQuality } };
}

export interface SeededSet {
  id: string;
  /** Submission time of both reads of the set. */
  readAt: Date;
}

/**
 * `n` final sets read by `raters` (discordant when more than 10 apart; final = mean), written straight into the
 * tables: for tests about what happens after a set is final, where the assignment, scoring and
 * evaluation paths are covered elsewhere. Set i's reads are submitted at `start` + i minutes
 * with SALT `salts(i)`.
 */
export async function seedFinalSets(
  t: TestApp,
  studyId: string,
  raters: [string, string],
  n: number,
  start: Date,
  salts: (i: number) => [number, number] = () => [30, 32],
  spacingMinutes = 1,
): Promise<SeededSet[]> {
  const prefix = randomBytes(3).toString('hex');
  const times = Array.from(
    { length: n },
    (_, i) => new Date(start.getTime() + i * spacingMinutes * 60_000),
  );
  const pairs = Array.from({ length: n }, (_, i) => salts(i));
  const created: { id: string; i: number }[] = await t.db.query(
    `WITH input AS (
       SELECT g AS i, $3::timestamptz[] AS times FROM generate_series(1, $2::int) g),
     subject AS (
       INSERT INTO subjects (study_id, code)
       SELECT $1, $4 || '-' || i FROM input RETURNING id, code),
     sets AS (
       INSERT INTO photo_sets (study_id, subject_id, visit, visit_date, status)
       SELECT $1, s.id, 'v1', DATE '2026-01-01', 'final' FROM subject s RETURNING id, subject_id)
     SELECT sets.id, split_part(sub.code, '-', 2)::int - 1 AS i
       FROM sets JOIN subject sub ON sub.id = sets.subject_id ORDER BY i`,
    [studyId, n, times, prefix],
  );
  const ids = created.map((row) => row.id);
  await t.db.query(
    `WITH input AS (
       SELECT * FROM unnest($2::uuid[], $3::timestamptz[], $4::numeric[], $5::numeric[])
         AS x(set_id, at, salt_a, salt_b)),
     tasks AS (
       INSERT INTO read_tasks (photo_set_id, study_id, slot, rater_id, read_code, queue_key,
                               status, submitted_at, kind)
       SELECT i.set_id, $1, slot, CASE slot WHEN 1 THEN $6::uuid ELSE $7::uuid END,
              upper(substr(md5(random()::text || i.set_id::text || slot), 1, 12)), random(),
              'submitted', i.at, 'live'
         FROM input i CROSS JOIN (VALUES (1), (2)) AS s(slot)
       RETURNING id, photo_set_id, slot, rater_id, submitted_at),
     read_rows AS (
       INSERT INTO reads (read_task_id, photo_set_id, rater_id, version, score_top, score_back,
                          score_left, score_right, salt, submitted_at)
       SELECT t.id, t.photo_set_id, t.rater_id, 1, v, v, v, v, v, t.submitted_at
         FROM tasks t JOIN input i ON i.set_id = t.photo_set_id,
              LATERAL (SELECT CASE t.slot WHEN 1 THEN i.salt_a ELSE i.salt_b END AS v) x
       RETURNING id, photo_set_id, salt, rater_id),
     evaluation AS (
       INSERT INTO pair_evaluations (photo_set_id, read_a_id, read_b_id, difference, rules_fired,
                                     rules, outcome)
       SELECT a.photo_set_id, a.id, b.id, abs(a.salt - b.salt),
              CASE WHEN abs(a.salt - b.salt) > 10 THEN '{max-difference}'::text[] ELSE '{}' END,
              '{}'::jsonb,
              CASE WHEN abs(a.salt - b.salt) > 10 THEN 'discordant' ELSE 'concordant' END
         FROM read_rows a JOIN read_rows b ON b.photo_set_id = a.photo_set_id
        WHERE a.rater_id = $6 AND b.rater_id = $7
       RETURNING id, photo_set_id, read_a_id, read_b_id)
     INSERT INTO final_scores (photo_set_id, version, salt, source, evaluation_id)
     SELECT e.photo_set_id, 1, round((i.salt_a + i.salt_b) / 2, 1), 'concordant-mean', e.id
       FROM evaluation e JOIN input i ON i.set_id = e.photo_set_id`,
    [studyId, ids, times, pairs.map((p) => p[0]), pairs.map((p) => p[1]), raters[0], raters[1]],
  );
  return created.map((row) => ({ id: row.id, readAt: times[row.i] }));
}
