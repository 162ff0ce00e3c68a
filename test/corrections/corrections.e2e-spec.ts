import { Make, MadeUser, scores, setIn, TaskRow, waitForStatus } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

interface AuditEvent {
  action: string;
  after: Record<string, unknown> | null;
  reason: string | null;
}

/**
 * Corrections: an admin reopens a submitted read with a reason; the rater finds it back in their
 * queue, submits a new version signed "Corrected"; the pair is evaluated again (and adjudicated
 * when the corrected pair is discordant); auditors see both versions.
 */
describe('correcting a read', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  async function reopenAndCorrect(value: number) {
    const scene = await setIn(t, make, 'final');
    const [task] = scene.tasks;
    const rater: MadeUser = scene.raterOf(task);
    const reason = 'Rater reported a transcription error in top';
    await scene.team.admin.post(`/reads/${task.id}/reopen`, { reason }).expect(201);
    await waitForStatus(t, [scene.photoSetId], (s) => s === 'reading');

    // Back in the rater's queue, signed "Corrected" this time.
    const queue = await rater.client.get('/reads').expect(200);
    expect((queue.body.items as { id: string }[]).map((item) => item.id)).toContain(task.id);
    const signing = await rater.client.get(`/reads/${task.id}/signing`).expect(200);
    expect(signing.body).toMatchObject({ meaning: 'Corrected', printedName: rater.user.name });
    await rater.client.post(`/reads/${task.id}/score`, scores(value)).expect(201);
    return { ...scene, task, rater, reason };
  }

  async function timeline(
    auditor: { get: (path: string) => PromiseLike<{ body: unknown }> },
    id: string,
  ) {
    const page = (await auditor.get(`/audit/entities/photo-set/${id}`)).body as {
      items: AuditEvent[];
    };
    return page.items;
  }

  it('re-evaluates a concordant correction: final again from the new version, both versions in the timeline', async () => {
    const { photoSetId, task, team, reason } = await reopenAndCorrect(44);
    await waitForStatus(t, [photoSetId], (s) => s === 'final');
    const auditor = (await make.auditor()).client;

    const results = await team.admin.get(`/studies/${team.study.id}/results`).expect(200);
    const row = (results.body.items as Record<string, unknown>[]).find(
      (item) => item.photoSetId === photoSetId,
    ) as {
      readA: { readTaskId: string; version: number; salt: number; signature: { meaning: string } };
      readB: { readTaskId: string; version: number; salt: number; signature: { meaning: string } };
      finalSalt: number;
    };
    const corrected = [row.readA, row.readB].find((read) => read.readTaskId === task.id)!;
    expect(corrected).toMatchObject({ version: 2, salt: 44, signature: { meaning: 'Corrected' } });
    // The final score is the mean of the other read (40) and the corrected one (44).
    expect(row.finalSalt).toBe(42);

    const events = await timeline(auditor, photoSetId);
    const submitted = events.filter((event) => event.action === 'read.submitted');
    const versions = submitted
      .filter((event) => event.after?.readTaskId === task.id)
      .map((event) => ({
        version: event.after?.version,
        salt: event.after?.salt,
        meaning: (event.after?.signature as { meaning: string }).meaning,
      }));
    expect(versions).toEqual([
      { version: 1, salt: 40, meaning: 'I attest this is my independent assessment' },
      { version: 2, salt: 44, meaning: 'Corrected' },
    ]);
    expect(events.find((event) => event.action === 'read.reopened')?.reason).toBe(reason);
    expect(events.filter((event) => event.action === 'pair.evaluated')).toHaveLength(2);
    expect(events.filter((event) => event.action === 'result.finalized')).toHaveLength(2);
    expect((await auditor.get('/audit/verify').expect(200)).body.ok).toBe(true);
  });

  it('sends a correction that makes the pair discordant to adjudication', async () => {
    const { photoSetId, team } = await reopenAndCorrect(90);
    await waitForStatus(t, [photoSetId], (s) => s === 'adjudicating');
    const adjudicator = team.adjudicators[0].client;
    const task = (await adjudicator.post('/adjudications/next').expect(200)).body as {
      id: string;
      readA: { salt: number };
      readB: { salt: number };
    };
    expect([task.readA.salt, task.readB.salt].sort((a, b) => a - b)).toEqual([40, 90]);
    await adjudicator
      .post(`/adjudications/${task.id}/decision`, {
        choice: 'A',
        rationale: 'Read A agrees with the images',
      })
      .expect(201);
    await waitForStatus(t, [photoSetId], (s) => s === 'final');
    const auditor = (await make.auditor()).client;
    const decided = (await timeline(auditor, photoSetId)).find(
      (event) => event.action === 'adjudication.decided',
    );
    expect(decided?.after?.signature).toMatchObject({
      meaning: 'Adjudicated',
      printedName: team.adjudicators[0].user.name,
    });
    expect((await auditor.get('/audit/verify').expect(200)).body.ok).toBe(true);
  });

  it('refuses a reopen without a reason, by a non-admin, or while adjudication is open', async () => {
    const scene = await setIn(t, make, 'adjudicating');
    const task: TaskRow = scene.tasks[0];
    await scene.team.admin.post(`/reads/${task.id}/reopen`, {}).expect(400);
    await scene
      .raterOf(task)
      .client.post(`/reads/${task.id}/reopen`, { reason: 'my typo' })
      .expect(403);
    const open = await scene.team.admin
      .post(`/reads/${task.id}/reopen`, { reason: 'Typo in the top view' })
      .expect(409);
    expect(open.body.message).toMatch(/adjudicator/);
  });
});
