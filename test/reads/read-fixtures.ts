import { createHash, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { AssignmentService } from '../../src/reads/assignment.service';
import { PHOTO_STORAGE, PhotoStorage, newStorageKey } from '../../src/storage/photo-storage';
import { StudySettings } from '../../src/studies/study-settings';
import { ApiClient, Make, MadeUser } from '../support/factories';
import { TestApp } from '../support/test-app';
import { waitFor } from '../support/processes';

export const VIEWS = ['top', 'back', 'left', 'right'] as const;

export interface Study {
  id: string;
  code: string;
}

export async function createStudy(
  admin: ApiClient,
  settings: Partial<StudySettings> = {},
): Promise<Study> {
  const code = `S-${randomBytes(3).toString('hex')}`;
  const response = await admin.post('/studies', { code, title: `Study ${code}`, settings });
  if (response.status !== 201) {
    throw new Error(`creating study failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return { id: response.body.id, code };
}

export async function addMember(
  admin: ApiClient,
  studyId: string,
  userId: string,
  roles: string[],
): Promise<void> {
  const response = await admin.put(`/studies/${studyId}/members/${userId}`, { roles });
  if (response.status !== 200) {
    throw new Error(`adding member failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** A study with `raters` raters and `adjudicators` adjudicators, all members. */
export async function studyWithTeam(
  make: Make,
  options: { raters: number; adjudicators: number; settings?: Partial<StudySettings> },
): Promise<{ study: Study; raters: MadeUser[]; adjudicators: MadeUser[]; admin: ApiClient }> {
  const admin = await make.admin();
  const study = await createStudy(admin, options.settings);
  const raters: MadeUser[] = [];
  for (let i = 0; i < options.raters; i++) {
    const rater = await make.rater();
    await addMember(admin, study.id, rater.user.id, ['rater']);
    raters.push(rater);
  }
  const adjudicators: MadeUser[] = [];
  for (let i = 0; i < options.adjudicators; i++) {
    const adjudicator = await make.adjudicator();
    await addMember(admin, study.id, adjudicator.user.id, ['adjudicator']);
    adjudicators.push(adjudicator);
  }
  return { study, raters, adjudicators, admin };
}

let tinyJpeg: Promise<Buffer> | undefined;
function tinyImage(): Promise<Buffer> {
  tinyJpeg ??= sharp({
    create: { width: 16, height: 12, channels: 3, background: { r: 200, g: 160, b: 140 } },
  })
    .jpeg()
    .toBuffer();
  return tinyJpeg;
}

export interface InsertedSet {
  id: string;
  subjectCode: string;
  visit: string;
  visitDate: string;
}

/**
 * A photo set that is ready to read, written straight into the tables issue 3 owns, with tiny
 * stored renditions: the HTTP upload and ingest are covered by their own spec (and one
 * end-to-end test here); this keeps 20–200 sets cheap.
 */
export async function insertReadySet(
  t: TestApp,
  studyId: string,
  subjectCode: string,
  visit: string,
  visitDate = '2026-01-15',
): Promise<InsertedSet> {
  const storage = t.app.get<PhotoStorage>(PHOTO_STORAGE, { strict: false });
  const bytes = await tinyImage();
  const etag = createHash('sha256').update(bytes).digest('hex');
  const [subject] = await t.db.query(
    `INSERT INTO subjects (study_id, code) VALUES ($1, $2)
     ON CONFLICT (study_id, code) DO UPDATE SET code = EXCLUDED.code RETURNING id`,
    [studyId, subjectCode],
  );
  const [set] = await t.db.query(
    `INSERT INTO photo_sets (study_id, subject_id, visit, visit_date, status)
     VALUES ($1, $2, $3, $4, 'ready') RETURNING id`,
    [studyId, subject.id, visit, visitDate],
  );
  for (const view of VIEWS) {
    const keys = {
      original: newStorageKey('originals'),
      full: newStorageKey('renditions'),
      display: newStorageKey('renditions'),
      thumb: newStorageKey('renditions'),
    };
    for (const key of [keys.full, keys.display, keys.thumb]) await storage.put(key, bytes);
    await t.db.query(
      `INSERT INTO photo_images (photo_set_id, view, status, original_key, original_sha256,
                                 full_key, display_key, thumb_key, width, height, etag,
                                 display_etag, thumb_etag)
       VALUES ($1, $2, 'ready', $3, $4, $5, $6, $7, 16, 12, $8, $8, $8)`,
      [set.id, view, keys.original, etag, keys.full, keys.display, keys.thumb, etag],
    );
  }
  return { id: set.id, subjectCode, visit, visitDate };
}

export async function assign(t: TestApp, photoSetIds: string[]): Promise<void> {
  const assignment = t.app.get(AssignmentService, { strict: false });
  for (const id of photoSetIds) await assignment.enqueueAssign(id);
}

export async function setStatuses(t: TestApp, ids: string[]): Promise<Record<string, string>> {
  const rows: { id: string; status: string }[] = await t.db.query(
    `SELECT id, status FROM photo_sets WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return Object.fromEntries(rows.map((row) => [row.id, row.status]));
}

export async function waitForStatus(
  t: TestApp,
  ids: string[],
  accept: (status: string) => boolean,
  timeoutMs = 20_000,
): Promise<Record<string, string>> {
  let statuses: Record<string, string> = {};
  await waitFor(async () => {
    statuses = await setStatuses(t, ids);
    return ids.every((id) => accept(statuses[id]));
  }, timeoutMs);
  return statuses;
}

export interface TaskRow {
  id: string;
  photoSetId: string;
  raterId: string;
  slot: number;
  status: string;
  readCode: string;
}

export async function tasksOf(t: TestApp, photoSetIds: string[]): Promise<TaskRow[]> {
  return t.db.query(
    `SELECT id, photo_set_id AS "photoSetId", rater_id AS "raterId", slot, status,
            read_code AS "readCode"
       FROM read_tasks WHERE photo_set_id = ANY($1::uuid[]) ORDER BY photo_set_id, slot`,
    [photoSetIds],
  );
}

export function scores(salt: 'any' | number): {
  top: number;
  back: number;
  left: number;
  right: number;
} {
  // All four views equal give SALT equal to that value exactly (the weights sum to 100%).
  const value = salt === 'any' ? 30 : salt;
  return { top: value, back: value, left: value, right: value };
}

/** Many ready sets at once, rows only (no images): for tests about assignment alone. */
export async function insertReadySetsWithoutImages(
  t: TestApp,
  studyId: string,
  count: number,
  subjects = 50,
): Promise<string[]> {
  const rows: { id: string }[] = await t.db.query(
    `WITH subject AS (
       INSERT INTO subjects (study_id, code)
       SELECT $1, 'BULK-' || g FROM generate_series(1, $3::int) g
       ON CONFLICT (study_id, code) DO UPDATE SET code = EXCLUDED.code
       RETURNING id, code)
     INSERT INTO photo_sets (study_id, subject_id, visit, visit_date, status)
     SELECT $1, s.id, 'v' || g, DATE '2026-01-01' + g, 'ready'
       FROM generate_series(1, $2::int) g
       JOIN subject s ON s.code = 'BULK-' || (1 + (g - 1) % $3::int)
     RETURNING id`,
    [studyId, count, subjects],
  );
  return rows.map((row) => row.id);
}

/**
 * A set in the given state with a fresh team: 'reading' (both tasks open), 'final' (a concordant
 * pair) or 'adjudicating' (a discordant pair with its open adjudication).
 */
export async function setIn(
  t: TestApp,
  make: Make,
  state: 'reading' | 'final' | 'adjudicating',
): Promise<{
  team: Awaited<ReturnType<typeof studyWithTeam>>;
  photoSetId: string;
  tasks: TaskRow[];
  raterOf: (task: TaskRow) => MadeUser;
}> {
  const team = await studyWithTeam(make, { raters: 2, adjudicators: 1 });
  const set = await insertReadySet(t, team.study.id, `ST-${randomBytes(3).toString('hex')}`, 'v1');
  await assign(t, [set.id]);
  await waitForStatus(t, [set.id], (s) => s === 'reading');
  const tasks = await tasksOf(t, [set.id]);
  const raterOf = (task: TaskRow) => team.raters.find((r) => r.user.id === task.raterId)!;
  if (state !== 'reading') {
    for (const task of tasks) {
      const value = state === 'final' ? 40 : task.slot === 1 ? 10 : 60;
      const response = await raterOf(task).client.post(`/reads/${task.id}/score`, scores(value));
      if (response.status !== 201) throw new Error(`scoring failed: ${response.status}`);
    }
    await waitForStatus(t, [set.id], (s) => s === state);
  }
  return { team, photoSetId: set.id, tasks, raterOf };
}
