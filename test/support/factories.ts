import { createHash, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import request from 'supertest';
import { AssignmentService } from '../../src/reads/assignment.service';
import { PHOTO_STORAGE, PhotoStorage, newStorageKey } from '../../src/storage/photo-storage';
import { StudySettings } from '../../src/studies/study-settings';
import { Role } from '../../src/auth/role';
import { UserView } from '../../src/users/user.entity';
import { waitFor } from './processes';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestApp } from './test-app';

export const API = '/api/v1';

/** The routes whose submission is an electronic signature (21 CFR 11.200). */
const SIGNED_ROUTE = /^\/(reads\/[^/]+\/score|adjudications\/[^/]+\/decision)$/;

/**
 * A signed-in caller: every request carries its session cookie (or bearer token). A client that
 * knows its user's password signs reads and decisions with it, unless the body names `password`
 * itself (set it to `undefined` to send none, e.g. to see a signature refused).
 */
export class ApiClient {
  constructor(
    private readonly t: TestApp,
    readonly credential: { cookie?: string; bearer?: string },
    readonly password?: string,
  ) {}

  private signed(path: string, body: object): object {
    if (this.password === undefined || !SIGNED_ROUTE.test(path.split('?')[0])) return body;
    if (Array.isArray(body) || 'password' in body) return body;
    return { ...body, password: this.password };
  }

  private authorize(test: request.Test): request.Test {
    if (this.credential.cookie) test.set('Cookie', this.credential.cookie);
    if (this.credential.bearer) test.set('Authorization', `Bearer ${this.credential.bearer}`);
    return test;
  }

  get(path: string): request.Test {
    return this.authorize(this.t.http().get(API + path));
  }
  post(path: string, body?: object): request.Test {
    const test = this.authorize(this.t.http().post(API + path));
    return body === undefined ? test : test.send(this.signed(path, body));
  }
  put(path: string, body?: object): request.Test {
    const test = this.authorize(this.t.http().put(API + path));
    return body === undefined ? test : test.send(body);
  }
  patch(path: string, body?: object): request.Test {
    return this.authorize(this.t.http().patch(API + path)).send(body ?? {});
  }
  delete(path: string): request.Test {
    return this.authorize(this.t.http().delete(API + path));
  }
}

export async function login(t: TestApp, email: string, password: string): Promise<ApiClient> {
  const response = await t.http().post(`${API}/auth/login`).send({ email, password });
  if (response.status !== 200) {
    throw new Error(`login ${email} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  const setCookie = response.headers['set-cookie'] as unknown as string[];
  const cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
  return new ApiClient(t, { cookie }, password);
}

export interface MadeUser {
  user: UserView;
  password: string;
  client: ApiClient;
}

/** Small factories in the spirit of `await make.rater()`; each makes a real account via the API. */
export class Make {
  private adminClient?: Promise<ApiClient>;

  constructor(private readonly t: TestApp) {}

  admin(): Promise<ApiClient> {
    this.adminClient ??= login(this.t, ADMIN_EMAIL, ADMIN_PASSWORD);
    return this.adminClient;
  }

  async user(roles: Role[], name?: string): Promise<MadeUser> {
    const admin = await this.admin();
    const suffix = randomBytes(4).toString('hex');
    const password = `pw-${suffix}-long-enough`;
    const label = name ?? `${roles.join('-') || 'user'} ${suffix}`;
    const response = await admin.post('/users', {
      email: `${roles[0] ?? 'user'}-${suffix}@salt.test`,
      name: label,
      password,
      roles,
    });
    if (response.status !== 201) {
      throw new Error(`creating user failed: ${response.status} ${JSON.stringify(response.body)}`);
    }
    const user = response.body as UserView;
    return { user, password, client: await login(this.t, user.email, password) };
  }

  rater(): Promise<MadeUser> {
    return this.user(['rater']);
  }
  adjudicator(): Promise<MadeUser> {
    return this.user(['adjudicator']);
  }
  coordinator(): Promise<MadeUser> {
    return this.user(['coordinator']);
  }
  auditor(): Promise<MadeUser> {
    return this.user(['auditor']);
  }
}

export const VIEWS = ['top', 'back', 'left', 'right'] as const;

export interface Study {
  id: string;
  code: string;
}

/** The one study factory: a study with a fresh random code, made by the admin via the API. */
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

export interface Team {
  study: Study;
  raters: MadeUser[];
  adjudicators: MadeUser[];
  coordinators: MadeUser[];
  admin: ApiClient;
}

/** A study with `raters` raters, `adjudicators` adjudicators and `coordinators` coordinators. */
export async function studyWithTeam(
  make: Make,
  options: {
    raters: number;
    adjudicators: number;
    coordinators?: number;
    settings?: Partial<StudySettings>;
  },
): Promise<Team> {
  const admin = await make.admin();
  const study = await createStudy(admin, options.settings);
  const members = async (count: number, role: 'rater' | 'adjudicator' | 'coordinator') => {
    const made: MadeUser[] = [];
    for (let i = 0; i < count; i++) {
      const member = await make.user([role]);
      await addMember(admin, study.id, member.user.id, [role]);
      made.push(member);
    }
    return made;
  };
  const raters = await members(options.raters, 'rater');
  const adjudicators = await members(options.adjudicators, 'adjudicator');
  const coordinators = await members(options.coordinators ?? 0, 'coordinator');
  return { study, raters, adjudicators, coordinators, admin };
}

export interface StudySetup {
  admin: ApiClient;
  studyId: string;
  coordinator: MadeUser;
}

/** A study with one coordinator member: where uploads and imports start. */
export async function studyWithCoordinator(make: Make): Promise<StudySetup> {
  const team = await studyWithTeam(make, { raters: 0, adjudicators: 0, coordinators: 1 });
  return { admin: team.admin, studyId: team.study.id, coordinator: team.coordinators[0] };
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
 * A photo set that is ready to read (as if uploaded and ingested), written straight into the
 * tables the photo-sets module owns, with tiny stored renditions: the HTTP upload and ingest are
 * covered by their own spec (and one end-to-end test); this keeps 20–200 sets cheap.
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

/**
 * The one status poller: waits until every set's status passes `accept` (a set without a row
 * is passed as undefined) and answers the statuses it saw last.
 */
export async function waitForStatus(
  t: TestApp,
  ids: string[],
  accept: (status: string | undefined) => boolean,
  timeoutMs = 20_000,
): Promise<Record<string, string>> {
  let statuses: Record<string, string> = {};
  await waitFor(async () => {
    statuses = await setStatuses(t, ids);
    return ids.every((id) => accept(statuses[id]));
  }, timeoutMs);
  return statuses;
}

/**
 * Waits until ingest has finished with the set and answers 'ready' or 'rejected'. Assignment
 * (the reads module) may already have moved a ready set on; that still counts as ready.
 */
export async function waitForSet(
  t: TestApp,
  id: string,
  timeoutMs = 30_000,
): Promise<'ready' | 'rejected'> {
  const statuses = await waitForStatus(
    t,
    [id],
    (status) => status !== undefined && status !== 'processing',
    timeoutMs,
  );
  return statuses[id] === 'rejected' ? 'rejected' : 'ready';
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

/** A ready set handed to assignment, once it is in reading with its two read tasks. */
export async function readingSet(
  t: TestApp,
  studyId: string,
  subjectCode: string,
  visit: string,
): Promise<{ set: InsertedSet; tasks: TaskRow[] }> {
  const set = await insertReadySet(t, studyId, subjectCode, visit);
  await assign(t, [set.id]);
  await waitForStatus(t, [set.id], (s) => s === 'reading');
  return { set, tasks: await tasksOf(t, [set.id]) };
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

/**
 * A set in the given state with a fresh team: 'reading' (both tasks open), 'final' (a concordant
 * pair) or 'adjudicating' (a discordant pair with its open adjudication).
 */
export async function setIn(
  t: TestApp,
  make: Make,
  state: 'reading' | 'final' | 'adjudicating',
): Promise<{
  team: Team;
  photoSetId: string;
  tasks: TaskRow[];
  raterOf: (task: TaskRow) => MadeUser;
}> {
  const team = await studyWithTeam(make, { raters: 2, adjudicators: 1 });
  const subjectCode = `ST-${randomBytes(3).toString('hex')}`;
  const { set, tasks } = await readingSet(t, team.study.id, subjectCode, 'v1');
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
