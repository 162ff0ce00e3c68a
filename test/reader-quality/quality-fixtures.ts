import { randomBytes } from 'node:crypto';
import { addMember, ApiClient, insertReadySet, MadeUser, Make, scores } from '../support/factories';
import { TestApp } from '../support/test-app';

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
