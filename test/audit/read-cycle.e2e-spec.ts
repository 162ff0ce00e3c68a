import { AuditAction } from '../../src/audit/audit-action';
import { AuditEventView } from '../../src/audit/audit.repository';
import { Make, scores, studyWithTeam, tasksOf, waitForStatus } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { auditorClient } from './audit-support';

describe('audit trail of one full read cycle', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('records upload, both reads and the adjudication in order, on the photo set timeline', async () => {
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 1 });
    const coordinator = await make.coordinator();
    await team.admin
      .put(`/studies/${team.study.id}/members/${coordinator.user.id}`, { roles: ['coordinator'] })
      .expect(200);

    // Upload through the API, as a coordinator does.
    const { default: sharp } = await import('sharp');
    const image = await sharp({
      create: { width: 320, height: 240, channels: 3, background: { r: 120, g: 90, b: 70 } },
    })
      .jpeg()
      .toBuffer();
    let upload = coordinator.client
      .post(`/studies/${team.study.id}/photo-sets`)
      .field('subjectCode', 'AUD-001')
      .field('visit', 'baseline');
    for (const view of ['top', 'back', 'left', 'right']) {
      upload = upload.attach(view, image, `${view}.jpg`);
    }
    const uploaded = await upload.expect(202);
    const photoSetId = (uploaded.body as { id: string }).id;
    await waitForStatus(t, [photoSetId], (s) => s === 'reading', 30_000);

    // Two discordant reads (SALT 10 and 60), then the adjudicator picks read B.
    const tasks = await tasksOf(t, [photoSetId]);
    expect(tasks).toHaveLength(2);
    for (const task of tasks) {
      const rater = team.raters.find((r) => r.user.id === task.raterId)!;
      await rater.client
        .post(`/reads/${task.id}/score`, scores(task.slot === 1 ? 10 : 60))
        .expect(201);
    }
    await waitForStatus(t, [photoSetId], (s) => s === 'adjudicating', 30_000);
    const adjudicator = team.adjudicators[0].client;
    const task = await adjudicator.post('/adjudications/next').expect(200);
    await adjudicator
      .post(`/adjudications/${(task.body as { id: string }).id}/decision`, {
        choice: 'B',
        rationale: 'Read B matches the vertex photograph.',
      })
      .expect(201);
    await waitForStatus(t, [photoSetId], (s) => s === 'final', 30_000);

    const auditor = await auditorClient(make);
    const timeline = (await auditor.get(`/audit/entities/photo-set/${photoSetId}`).expect(200))
      .body as { items: AuditEventView[] };
    const actions = timeline.items.map((e) => e.action);
    const order = [
      AuditAction.SetUploaded,
      AuditAction.SetReady,
      AuditAction.ReadAssigned,
      AuditAction.ReadSubmitted,
      AuditAction.PairEvaluated,
      AuditAction.AdjudicationAssigned,
      AuditAction.AdjudicationDecided,
      AuditAction.ResultFinalized,
    ];
    // Each step is there, in this order (the first occurrence of each).
    const positions = order.map((action) => actions.indexOf(action));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(actions.filter((a) => a === AuditAction.ReadAssigned)).toHaveLength(2);
    expect(actions.filter((a) => a === AuditAction.ReadSubmitted)).toHaveLength(2);

    // Each read's values, and who adjudicated and why, are in the record.
    const reads = timeline.items.filter((e) => e.action === AuditAction.ReadSubmitted);
    expect(reads.map((e) => (e.after as { salt: number }).salt).sort((a, b) => a - b)).toEqual([
      10, 60,
    ]);
    expect(new Set(reads.map((e) => e.actorId))).toEqual(
      new Set(team.raters.map((r) => r.user.id)),
    );
    const decision = timeline.items.find((e) => e.action === AuditAction.AdjudicationDecided)!;
    expect(decision.actorId).toBe(team.adjudicators[0].user.id);
    expect(JSON.stringify(decision)).toContain('Read B matches the vertex photograph.');

    expect((await auditor.get('/audit/verify').expect(200)).body).toMatchObject({ ok: true });
  });
});
