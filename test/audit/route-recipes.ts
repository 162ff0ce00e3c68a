import { generateKeyPairSync, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { AuditAction } from '../../src/audit/audit-action';
import { signCheckpoint } from '../../src/audit/audit-checkpoint';
import { DEFAULT_READER_QUALITY } from '../../src/studies/study-settings';
import {
  addMember,
  API,
  ApiClient,
  createStudy,
  insertReadySet,
  login,
  Make,
  scores,
  setIn,
} from '../support/factories';
import { makeZip } from '../support/photo-fixtures';
import { TestApp } from '../support/test-app';

/**
 * How to exercise each state-changing route for the audit coverage test
 * (route-coverage.e2e-spec.ts). Keys are `"METHOD /path"` exactly as the OpenAPI document
 * lists them, without the /api/v1 prefix and with `{param}` placeholders.
 *
 * A recipe sets up whatever it needs, calls `mark()` right before the one request under test,
 * makes that request (asserting its success status), and returns the audit action it expects.
 * The test then checks that this request, and only it, left exactly one event with that action.
 * Events written by background jobs carry no request id and are not counted.
 *
 * Adding a route? Add its recipe here, or an exemption with a reason in ROUTE_EXEMPTIONS.
 */
export interface RecipeContext {
  t: TestApp;
  make: Make;
  /** Call right before the request under test; events before it are not counted. */
  mark: () => Promise<void>;
}

/** The action the request records, or all of them in order when it records several. */
export type Recipe = (context: RecipeContext) => Promise<AuditAction | AuditAction[]>;

/** Asserts the status, with the body in the message when it differs. */
export async function expectStatus(
  request: PromiseLike<{ status: number; body: unknown }>,
  status: number,
) {
  const response = await request;
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response as { status: number; body: Record<string, unknown> };
}

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A set in query: one rater answered its vertex not evaluable. Returns the query's id. */
async function openImageQuery(t: TestApp, make: Make): Promise<string> {
  const { team, tasks, raterOf } = await setIn(t, make, 'reading');
  await expectStatus(
    raterOf(tasks[0]).client.post(`/reads/${tasks[0].id}/score`, {
      back: 10,
      left: 10,
      right: 10,
      notEvaluable: { top: { reason: 'blurred' } },
    }),
    201,
  );
  const list = await expectStatus(team.admin.get(`/studies/${team.study.id}/queries`), 200);
  return (list.body.items as { id: string }[])[0].id;
}

async function newStudy(admin: ApiClient): Promise<string> {
  const response = await expectStatus(
    admin.post('/studies', { code: unique('COV'), title: 'Coverage study' }),
    201,
  );
  return response.body.id as string;
}

async function studyWithCoordinator(make: Make) {
  const admin = await make.admin();
  const studyId = await newStudy(admin);
  const coordinator = await make.coordinator();
  await expectStatus(
    admin.put(`/studies/${studyId}/members/${coordinator.user.id}`, { roles: ['coordinator'] }),
    200,
  );
  return { admin, studyId, coordinator };
}

const jpeg = () =>
  sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 120, g: 90, b: 70 } } })
    .jpeg()
    .toBuffer();

export const ROUTE_RECIPES: Record<string, Recipe> = {
  // ── auth ────────────────────────────────────────────────────────────────────────────────
  'POST /auth/login': async ({ t, make, mark }) => {
    const { user, password } = await make.rater();
    await mark();
    await expectStatus(
      t.http().post(`${API}/auth/login`).send({ email: user.email, password }),
      200,
    );
    return AuditAction.LoginSucceeded;
  },
  'POST /auth/logout': async ({ make, mark }) => {
    const { client } = await make.rater();
    await mark();
    await expectStatus(client.post('/auth/logout'), 204);
    return AuditAction.Logout;
  },
  'POST /auth/password': async ({ make, mark }) => {
    const { client, password } = await make.rater();
    await mark();
    await expectStatus(
      client.post('/auth/password', {
        currentPassword: password,
        newPassword: unique('new-password'),
      }),
      204,
    );
    return AuditAction.PasswordChanged;
  },
  'POST /auth/tokens': async ({ make, mark }) => {
    const { client } = await make.rater();
    await mark();
    await expectStatus(client.post('/auth/tokens', { name: 'coverage' }), 201);
    return AuditAction.TokenCreated;
  },
  'DELETE /auth/tokens/{id}': async ({ make, mark }) => {
    const { client } = await make.rater();
    const token = await expectStatus(client.post('/auth/tokens', { name: 'coverage' }), 201);
    await mark();
    await expectStatus(client.delete(`/auth/tokens/${String(token.body.id)}`), 204);
    return AuditAction.TokenRevoked;
  },

  // ── users ───────────────────────────────────────────────────────────────────────────────
  'POST /users': async ({ make, mark }) => {
    const admin = await make.admin();
    await mark();
    await expectStatus(
      admin.post('/users', {
        email: `${unique('cov')}@salt.test`,
        name: 'Coverage User',
        password: unique('password-long'),
        roles: ['rater'],
      }),
      201,
    );
    return AuditAction.UserCreated;
  },
  'PATCH /users/{id}': async ({ make, mark }) => {
    const admin = await make.admin();
    const { user } = await make.rater();
    await mark();
    await expectStatus(admin.patch(`/users/${user.id}`, { name: 'Renamed Rater' }), 200);
    return AuditAction.UserChanged;
  },

  // ── studies ─────────────────────────────────────────────────────────────────────────────
  'POST /studies': async ({ make, mark }) => {
    const admin = await make.admin();
    await mark();
    await newStudy(admin);
    return AuditAction.StudyCreated;
  },
  'PATCH /studies/{id}': async ({ make, mark }) => {
    const admin = await make.admin();
    const studyId = await newStudy(admin);
    await mark();
    await expectStatus(
      admin.patch(`/studies/${studyId}`, { settings: { maxDifference: 12 }, reason: 'charter v2' }),
      200,
    );
    return AuditAction.StudySettingsChanged;
  },
  'PUT /studies/{id}/members/{userId}': async ({ make, mark }) => {
    const admin = await make.admin();
    const studyId = await newStudy(admin);
    const { user } = await make.rater();
    await mark();
    await expectStatus(
      admin.put(`/studies/${studyId}/members/${user.id}`, { roles: ['rater'] }),
      200,
    );
    return AuditAction.MembershipChanged;
  },
  'DELETE /studies/{id}/members/{userId}': async ({ make, mark }) => {
    const admin = await make.admin();
    const studyId = await newStudy(admin);
    const { user } = await make.rater();
    await expectStatus(
      admin.put(`/studies/${studyId}/members/${user.id}`, { roles: ['rater'] }),
      200,
    );
    await mark();
    await expectStatus(admin.delete(`/studies/${studyId}/members/${user.id}`), 204);
    return AuditAction.MembershipRemoved;
  },

  // ── photo sets ──────────────────────────────────────────────────────────────────────────
  'POST /studies/{id}/photo-sets': async ({ make, mark }) => {
    const { studyId, coordinator } = await studyWithCoordinator(make);
    const image = await jpeg();
    let request = coordinator.client
      .post(`/studies/${studyId}/photo-sets`)
      .field('subjectCode', unique('S'))
      .field('visit', 'baseline');
    for (const view of ['top', 'back', 'left', 'right']) {
      request = request.attach(view, image, `${view}.jpg`);
    }
    await mark();
    await expectStatus(request, 202);
    return AuditAction.SetUploaded;
  },
  'POST /studies/{id}/imports': async ({ make, mark }) => {
    const { studyId, coordinator } = await studyWithCoordinator(make);
    const image = await jpeg();
    const views = ['top', 'back', 'left', 'right'];
    const subject = unique('S');
    const manifest = [
      'subject_code,visit,visit_date,view,file',
      ...views.map((view) => `${subject},baseline,,${view},${view}.jpg`),
    ];
    const archive = await makeZip([
      { name: 'manifest.csv', data: Buffer.from(manifest.join('\n') + '\n') },
      ...views.map((view) => ({ name: `${view}.jpg`, data: image })),
    ]);
    await mark();
    await expectStatus(
      coordinator.client.post(`/studies/${studyId}/imports`).attach('archive', archive, 'sets.zip'),
      202,
    );
    // The import job's own events (set uploads, completion) carry no request id.
    return AuditAction.ImportCreated;
  },

  // ── reads and adjudication ──────────────────────────────────────────────────────────────
  'POST /reads/{id}/score': async ({ t, make, mark }) => {
    const { tasks, raterOf } = await setIn(t, make, 'reading');
    await mark();
    await expectStatus(
      raterOf(tasks[0]).client.post(`/reads/${tasks[0].id}/score`, scores(30)),
      201,
    );
    return AuditAction.ReadSubmitted;
  },
  'POST /studies/{id}/lock': async ({ make, mark }) => {
    const admin = await make.admin();
    const studyId = await newStudy(admin);
    await mark();
    await expectStatus(admin.post(`/studies/${studyId}/lock`, { reason: 'Interim analysis' }), 200);
    return AuditAction.StudyLocked;
  },
  'POST /studies/{id}/unlock': async ({ make, mark }) => {
    const admin = await make.admin();
    const studyId = await newStudy(admin);
    await expectStatus(admin.post(`/studies/${studyId}/lock`, { reason: 'Interim analysis' }), 200);
    await mark();
    await expectStatus(
      admin.post(`/studies/${studyId}/unlock`, { reason: 'Files delivered' }),
      200,
    );
    return AuditAction.StudyUnlocked;
  },
  'POST /reads/{id}/reopen': async ({ t, make, mark }) => {
    const { team, tasks } = await setIn(t, make, 'final');
    await mark();
    await expectStatus(
      team.admin.post(`/reads/${tasks[0].id}/reopen`, { reason: 'Rater reported a typo.' }),
      201,
    );
    return AuditAction.ReadReopened;
  },
  'POST /adjudications/{id}/decision': async ({ t, make, mark }) => {
    const { team } = await setIn(t, make, 'adjudicating');
    const adjudicator = team.adjudicators[0].client;
    const task = await expectStatus(adjudicator.post('/adjudications/next'), 200);
    await mark();
    await expectStatus(
      adjudicator.post(`/adjudications/${String(task.body.id)}/decision`, {
        choice: 'A',
        rationale: 'Read A matches the photographs.',
      }),
      201,
    );
    // The decision creates the final score: both are recorded, in one transaction.
    return [AuditAction.AdjudicationDecided, AuditAction.ResultFinalized];
  },
  // ── image queries ───────────────────────────────────────────────────────────────────────
  'POST /queries/{id}/confirm': async ({ t, make, mark }) => {
    const queryId = await openImageQuery(t, make);
    await mark();
    await expectStatus(
      (await make.admin()).post(`/queries/${queryId}/confirm`, { comment: 'The image is fine.' }),
      200,
    );
    return AuditAction.QueryConfirmed;
  },
  'POST /queries/{id}/replacement': async ({ t, make, mark }) => {
    const queryId = await openImageQuery(t, make);
    const image = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 90, b: 90 } },
    })
      .jpeg()
      .toBuffer();
    await mark();
    await expectStatus(
      (await make.admin()).post(`/queries/${queryId}/replacement`).attach('top', image, 'top.jpg'),
      202,
    );
    // The earlier image kept as a version, then the answer; processing happens in a job.
    return [AuditAction.ImageVersioned, AuditAction.QueryReplacementUploaded];
  },
  'POST /audit/verify': async ({ make, mark }) => {
    const { client } = await make.auditor();
    // Any well-formed checkpoint will do; this one is signed by a key that is not the log's.
    const checkpoint = signCheckpoint(generateKeyPairSync('ed25519').privateKey, {
      treeSize: 1,
      rootHash: '00'.repeat(32),
      signedAt: new Date().toISOString(),
    });
    await mark();
    await expectStatus(client.post('/audit/verify', { checkpoints: [checkpoint] }), 200);
    return AuditAction.AuditVerified;
  },
  'PUT /studies/{id}/calibration-sets/{photoSetId}': async ({ t, make, mark }) => {
    const admin = await make.admin();
    const study = await createStudy(admin);
    const set = await insertReadySet(t, study.id, unique('CAL'), 'cal');
    await mark();
    await expectStatus(
      admin.put(`/studies/${study.id}/calibration-sets/${set.id}`, scores(40)),
      200,
    );
    return AuditAction.CalibrationSetMarked;
  },
  'POST /studies/{id}/reader-quality/raters/{raterId}/rounds': async ({ t, make, mark }) => {
    const admin = await make.admin();
    const study = await qualifyingStudy(t, admin, 2);
    const rater = await make.rater();
    await addMember(admin, study.id, rater.user.id, ['rater']);
    // The automatic first round, failed on purpose.
    const { items } = (await expectStatus(rater.client.get('/reads'), 200)).body as {
      items: { id: string }[];
    };
    await expectStatus(rater.client.post(`/reads/${items[0].id}/score`, scores(100)), 201);
    await mark();
    await expectStatus(
      admin.post(`/studies/${study.id}/reader-quality/raters/${rater.user.id}/rounds`),
      201,
    );
    // The new calibration task (assigned as any read), then the round that holds it.
    return [AuditAction.ReadAssigned, AuditAction.QualificationRoundStarted];
  },
  'POST /studies/{id}/reader-quality/raters/{raterId}/grant': async ({ t, make, mark }) => {
    const admin = await make.admin();
    const study = await qualifyingStudy(t, admin, 0);
    const rater = await make.rater();
    await addMember(admin, study.id, rater.user.id, ['rater']);
    await mark();
    await expectStatus(
      admin.post(`/studies/${study.id}/reader-quality/raters/${rater.user.id}/grant`, {
        reason: 'Qualified at another reading centre on the same charter',
      }),
      200,
    );
    return AuditAction.QualificationGranted;
  },
  'POST /studies/{id}/reader-quality/raters/{raterId}/suspend': async ({ make, mark }) => {
    const admin = await make.admin();
    const study = await createStudy(admin);
    const rater = await make.rater();
    await addMember(admin, study.id, rater.user.id, ['rater']);
    await mark();
    await expectStatus(
      admin.post(`/studies/${study.id}/reader-quality/raters/${rater.user.id}/suspend`, {
        reason: 'Drift alert on the discordance chart',
      }),
      200,
    );
    return AuditAction.RaterSuspended;
  },
};

/** A study asking one calibration read to qualify, with `calibrationSets` calibration sets. */
async function qualifyingStudy(t: TestApp, admin: ApiClient, calibrationSets: number) {
  const study = await createStudy(admin, {
    readerQuality: { ...DEFAULT_READER_QUALITY, qualificationSetCount: 1 },
  });
  for (let i = 0; i < calibrationSets; i++) {
    const set = await insertReadySet(t, study.id, unique('CAL'), 'cal');
    await expectStatus(
      admin.put(`/studies/${study.id}/calibration-sets/${set.id}`, scores(10)),
      200,
    );
  }
  return study;
}

/**
 * State-changing routes that deliberately leave no single audit event per call, each with why.
 * Keep this list short: an exemption is a statement to auditors that the route changes nothing
 * they need to reconstruct.
 */
export const ROUTE_EXEMPTIONS: Record<string, string> = {
  // Drafts are autosaved, visible to nobody else, and not part of the record; the submitted
  // score is (POST /reads/{id}/score records read.submitted with the values).
  'PUT /reads/{id}/draft': 'drafts are private scratch state, not the record',
  // POST because each call may hand out work, but it only reads: the caller's tasks are already
  // theirs (assigned by the audited assign job), and this returns the first of them.
  'POST /reads/next': "read-only: returns the caller's next already-assigned task",
  'POST /adjudications/next': "read-only: returns the caller's next already-assigned task",
};

/** Re-exported for recipes that need another signed-in client. */
export { login };
