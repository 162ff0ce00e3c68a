import {
  ApiClient,
  login,
  MadeUser,
  Make,
  readingSet,
  scores,
  studyWithTeam,
  Team,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/processes';

const ATTEST = 'I attest this is my independent assessment';

interface AuditEvent {
  seq: string;
  action: string;
  after: Record<string, unknown> | null;
}

/**
 * Electronic signatures (21 CFR 11.50, 11.200) on reads: the password at the first signing of a
 * session, refusals that lose nothing, the lock after repeated wrong passwords, the sign-in
 * throttle, and the signature inside the hashed audit event.
 */
describe('signing a read', () => {
  let t: TestApp;
  let make: Make;
  let team: Team;
  let auditor: ApiClient;
  let subject = 0;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    team = await studyWithTeam(make, { raters: 2, adjudicators: 1 });
    auditor = (await make.auditor()).client;
  });
  afterAll(() => t.close());

  async function taskFor(rater: MadeUser, studyId = team.study.id): Promise<string> {
    const { tasks } = await readingSet(t, studyId, `SG-${++subject}`, 'v1');
    return tasks.find((task) => task.raterId === rater.user.id)!.id;
  }

  async function submittedEvent(taskId: string): Promise<AuditEvent> {
    const timeline = await auditor.get(`/audit/entities/read-task/${taskId}`).expect(200);
    const event = (timeline.body.items as AuditEvent[]).find((e) => e.action === 'read.submitted');
    if (!event) throw new Error('no read.submitted event');
    return event;
  }

  it('asks for the password at the first signing of a session, and refusing it loses nothing', async () => {
    const rater = team.raters[0];
    const fresh = await login(t, rater.user.email, rater.password);
    const taskId = await taskFor(rater);
    const before = await fresh.get(`/reads/${taskId}/signing`).expect(200);
    expect(before.body).toEqual({
      printedName: rater.user.name,
      meaning: ATTEST,
      passwordRequired: true,
      locked: false,
      attemptsLeft: 3,
    });

    const refused = await fresh.post(`/reads/${taskId}/score`, {
      ...scores(30),
      password: undefined,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/Re-enter your password to sign/);
    expect((await fresh.get(`/reads/${taskId}`).expect(200)).body.status).toBe('assigned');

    // The same form sent again, now with the password, goes through.
    const signed = await fresh.post(`/reads/${taskId}/score`, {
      ...scores(30),
      password: rater.password,
    });
    expect(signed.status).toBe(201);
    const { signature } = (await submittedEvent(taskId)).after as {
      signature: Record<string, string>;
    };
    expect(signature).toEqual({
      signerId: rater.user.id,
      printedName: rater.user.name,
      meaning: ATTEST,
      method: 'password',
      signedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(Math.abs(Date.parse(signature.signedAt) - Date.now())).toBeLessThan(10 * 60_000);

    // A later signing in the same session needs no password (11.200(a)(1)(i)).
    expect((await fresh.get(`/reads/${taskId}/signing`).expect(200)).body.passwordRequired).toBe(
      false,
    );
    const next = await taskFor(rater);
    const again = await fresh.post(`/reads/${next}/score`, { ...scores(30), password: undefined });
    expect(again.status).toBe(201);
    expect(
      ((await submittedEvent(next)).after as { signature: { method: string } }).signature,
    ).toMatchObject({ method: 'session', meaning: ATTEST, printedName: rater.user.name });
  });

  it('asks at every signing when the study says so', async () => {
    const strict = await studyWithTeam(make, {
      raters: 2,
      adjudicators: 0,
      settings: { signatureEverySigning: true },
    });
    const rater = strict.raters[0];
    const first = await taskFor(rater, strict.study.id);
    await rater.client.post(`/reads/${first}/score`, scores(30)).expect(201);
    const second = await taskFor(rater, strict.study.id);
    const refused = await rater.client.post(`/reads/${second}/score`, {
      ...scores(30),
      password: undefined,
    });
    expect(refused.status).toBe(403);
    await rater.client.post(`/reads/${second}/score`, scores(30)).expect(201);
  });

  it('makes an API token sign with the password every time', async () => {
    const rater = team.raters[1];
    const created = await rater.client
      .post('/auth/tokens', { name: 'scripted reads', scope: 'full' })
      .expect(201);
    const token = new ApiClient(t, { bearer: created.body.token as string });
    const taskId = await taskFor(rater);
    expect((await token.get(`/reads/${taskId}/signing`).expect(200)).body.passwordRequired).toBe(
      true,
    );
    expect((await token.post(`/reads/${taskId}/score`, scores(30))).status).toBe(403);
    await token
      .post(`/reads/${taskId}/score`, { ...scores(30), password: rater.password })
      .expect(201);
  });

  it('keeps signatures of the other rater away from raters and adjudicators', async () => {
    const { tasks } = await readingSet(t, team.study.id, `SG-${++subject}`, 'v1');
    const raterOf = (id: string) => team.raters.find((r) => r.user.id === id)!;
    // Discordant, so the adjudicator sees both reads.
    for (const task of tasks) {
      await raterOf(task.raterId)
        .client.post(`/reads/${task.id}/score`, scores(task.slot === 1 ? 5 : 70))
        .expect(201);
    }
    for (const task of tasks) {
      const own = await raterOf(task.raterId).client.get(`/reads/${task.id}`).expect(200);
      const other = raterOf(tasks.find((x) => x.id !== task.id)!.raterId);
      expect(JSON.stringify(own.body)).not.toContain(other.user.name);
      expect(JSON.stringify(own.body)).not.toMatch(/signature|signedAt|printedName/i);
    }
    const adjudicator = team.adjudicators[0];
    let body = '';
    for (let i = 0; i < 50 && !body; i++) {
      const next = await adjudicator.client.post('/adjudications/next');
      if (next.status === 200) body = JSON.stringify(next.body);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(body).not.toBe('');
    for (const rater of team.raters) expect(body).not.toContain(rater.user.name);
    expect(body).not.toMatch(/signature|signedAt|printedName/i);

    // The decision is signed "Adjudicated": the password at the session's first signing.
    const adjudicationId = (JSON.parse(body) as { id: string }).id;
    const fresh = await login(t, adjudicator.user.email, adjudicator.password);
    const signing = await fresh.get(`/adjudications/${adjudicationId}/signing`).expect(200);
    expect(signing.body).toMatchObject({
      meaning: 'Adjudicated',
      printedName: adjudicator.user.name,
      passwordRequired: true,
    });
    const decision = { choice: 'A', rationale: 'Read A matches the images best' };
    const refused = await fresh.post(`/adjudications/${adjudicationId}/decision`, {
      ...decision,
      password: undefined,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/Re-enter your password to sign \("Adjudicated"\)/);
    await fresh
      .post(`/adjudications/${adjudicationId}/decision`, {
        ...decision,
        password: adjudicator.password,
      })
      .expect(201);
    const timeline = await auditor
      .get(`/audit/entities/adjudication-task/${adjudicationId}`)
      .expect(200);
    const decided = (timeline.body.items as AuditEvent[]).find(
      (e) => e.action === 'adjudication.decided',
    );
    expect(decided?.after?.signature).toMatchObject({
      meaning: 'Adjudicated',
      printedName: adjudicator.user.name,
      method: 'password',
    });
  });

  it('refuses a wrong password, audits it, locks signing for the session after three, and counts toward the sign-in throttle', async () => {
    const rater = await make.rater();
    await team.admin
      .put(`/studies/${team.study.id}/members/${rater.user.id}`, { roles: ['rater'] })
      .expect(200);
    const session = await login(t, rater.user.email, rater.password);
    const taskId = await taskFor(rater);
    const wrong = { ...scores(30), password: 'not my password at all' };

    const first = await session.post(`/reads/${taskId}/score`, wrong);
    expect(first.status).toBe(403);
    expect(first.body.message).toMatch(/password is incorrect.*2 attempts left/);
    expect((await session.post(`/reads/${taskId}/score`, wrong)).status).toBe(403);
    const third = await session.post(`/reads/${taskId}/score`, wrong);
    expect(third.status).toBe(423);
    expect(third.body.message).toMatch(/Signing is locked for this session.*sign in again/);
    // Locked: even the right password cannot sign in this session.
    const locked = await session.post(`/reads/${taskId}/score`, {
      ...scores(30),
      password: rater.password,
    });
    expect(locked.status).toBe(423);
    expect((await session.get(`/reads/${taskId}/signing`).expect(200)).body).toMatchObject({
      locked: true,
      attemptsLeft: 0,
    });
    expect((await session.get(`/reads/${taskId}`).expect(200)).body.status).toBe('assigned');

    const refusals = await auditor
      .get(`/audit?action=signature.refused&actorId=${rater.user.id}`)
      .expect(200);
    expect((refusals.body.items as AuditEvent[]).map((e) => e.after)).toEqual(
      expect.arrayContaining([
        { meaning: ATTEST, reason: 'wrong-password', failures: 3, locked: true },
      ]),
    );

    // A new sign-in is a new session: it may sign again.
    const renewed = await login(t, rater.user.email, rater.password);
    await renewed
      .post(`/reads/${taskId}/score`, { ...scores(30), password: rater.password })
      .expect(201);

    // The three wrong passwords counted toward the sign-in throttle (5 a minute): two failed
    // sign-ins more and even the right password is throttled.
    for (let i = 0; i < 2; i++) {
      const failed = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: rater.user.email, password: 'wrong again' });
      expect(failed.status).toBe(401);
    }
    const throttled = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: rater.user.email, password: rater.password });
    expect(throttled.status).toBe(429);
  });

  it('puts the signature in the hashed audit event: the log verifies, and altering it breaks the log', async () => {
    expect((await auditor.get('/audit/verify').expect(200)).body).toMatchObject({ ok: true });
    const rows: { seq: string }[] = await t.db.query(
      `SELECT seq FROM audit_events WHERE action = 'read.submitted'
          AND after ? 'signature' ORDER BY seq LIMIT 1`,
    );
    expect(rows).toHaveLength(1);
    // Once the event is sealed into the log as a leaf, its content is fixed by the log's hashes.
    await waitFor(async () => {
      const sealed: unknown[] = await t.db.query('SELECT 1 FROM audit_leaves WHERE seq = $1', [
        rows[0].seq,
      ]);
      return sealed.length === 1;
    }, 30_000);
    // As a superuser could (the app's role cannot): the append-only triggers off for one update.
    await t.db.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    try {
      await t.db.query(
        `UPDATE audit_events
            SET after = jsonb_set(after, '{signature,printedName}', '"Someone Else"')
          WHERE seq = $1`,
        [rows[0].seq],
      );
    } finally {
      await t.db.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    }
    const verified = await auditor.get('/audit/verify').expect(200);
    expect(verified.body.ok).toBe(false);
  });
});
