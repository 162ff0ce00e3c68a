import {
  Make,
  addMember,
  assign,
  insertReadySet,
  scores,
  studyWithTeam,
  tasksOf,
  waitForStatus,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('study results', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('one row per set with reads, raters, difference, rules, adjudication, final and source', async () => {
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 1 });
    const [coordinator, auditor, outsider] = [
      await make.coordinator(),
      await make.auditor(),
      await make.coordinator(),
    ];
    await addMember(team.admin, team.study.id, coordinator.user.id, ['coordinator']);
    await addMember(team.admin, team.study.id, auditor.user.id, ['auditor']);
    const concordant = await insertReadySet(
      t,
      team.study.id,
      '=cmd|calc',
      'baseline',
      '2026-02-01',
    );
    const discordant = await insertReadySet(t, team.study.id, 'P-2', 'week-4', '2026-03-01');
    const pending = await insertReadySet(t, team.study.id, 'P-3', 'week,8', '2026-04-01');
    const ids = [concordant.id, discordant.id, pending.id];
    await assign(t, ids);
    await waitForStatus(t, ids, (s) => s === 'reading');
    const tasks = await tasksOf(t, ids);
    const raterOf = (id: string) => team.raters.find((rater) => rater.user.id === id)!;
    const plan: Record<string, [number, number]> = {
      [concordant.id]: [40, 42.5],
      [discordant.id]: [19, 22],
    };
    for (const task of tasks.filter((row) => row.photoSetId !== pending.id)) {
      await raterOf(task.raterId)
        .client.post(`/reads/${task.id}/score`, scores(plan[task.photoSetId][task.slot - 1]))
        .expect(201);
    }
    // One read of the pending set, so it has a read but no pair yet.
    const pendingSlot1 = tasks.find((row) => row.photoSetId === pending.id && row.slot === 1)!;
    await raterOf(pendingSlot1.raterId)
      .client.post(`/reads/${pendingSlot1.id}/score`, scores(60))
      .expect(201);
    await waitForStatus(t, [concordant.id], (s) => s === 'final');
    await waitForStatus(t, [discordant.id], (s) => s === 'adjudicating');

    const adjudicator = team.adjudicators[0];
    const open = await adjudicator.client.post('/adjudications/next').expect(200);
    await adjudicator.client
      .post(`/adjudications/${open.body.id}/decision`, {
        choice: 'B',
        rationale: '=SUM(A1:A9) says the right side, "clearly".',
      })
      .expect(201);
    await waitForStatus(t, [discordant.id], (s) => s === 'final');

    const response = await auditor.client.get(`/studies/${team.study.id}/results`).expect(200);
    const rows = response.body.items as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    const rowOf = (id: string) => rows.find((row) => row.photoSetId === id)!;
    const slotRater = (setId: string, slot: number) =>
      raterOf(tasks.find((row) => row.photoSetId === setId && row.slot === slot)!.raterId).user;

    expect(rowOf(concordant.id)).toEqual({
      photoSetId: concordant.id,
      subjectCode: '=cmd|calc',
      visit: 'baseline',
      visitDate: '2026-02-01',
      status: 'final',
      readA: {
        raterId: slotRater(concordant.id, 1).id,
        raterName: slotRater(concordant.id, 1).name,
        salt: 40,
        top: 40,
        back: 40,
        left: 40,
        right: 40,
        submittedAt: expect.any(String),
        readTaskId: tasks.find((row) => row.photoSetId === concordant.id && row.slot === 1)!.id,
        version: 1,
        // The read's electronic signature (21 CFR 11.50): printed name, UTC time, meaning.
        signature: {
          printedName: slotRater(concordant.id, 1).name,
          signedAt: expect.stringMatching(/Z$/),
          meaning: 'I attest this is my independent assessment',
        },
      },
      readB: expect.objectContaining({ raterId: slotRater(concordant.id, 2).id, salt: 42.5 }),
      difference: 2.5,
      rulesFired: [],
      adjudication: null,
      finalSalt: 41.3,
      source: 'concordant-mean',
    });
    expect(rowOf(discordant.id)).toMatchObject({
      status: 'final',
      readA: { salt: 19 },
      readB: { salt: 22 },
      difference: 3,
      rulesFired: ['threshold'],
      adjudication: {
        choice: 'B',
        adjudicatorId: adjudicator.user.id,
        adjudicatorName: adjudicator.user.name,
        rationale: '=SUM(A1:A9) says the right side, "clearly".',
        decidedAt: expect.any(String),
      },
      finalSalt: 22,
      source: 'adjudicated',
    });
    expect(rowOf(pending.id)).toMatchObject({
      status: 'reading',
      readA: { salt: 60 },
      readB: null,
      difference: null,
      rulesFired: [],
      finalSalt: null,
      source: null,
    });

    // A coordinator sees the reads only once the set is final (DESIGN §2 blinding table).
    const asCoordinator = await coordinator.client
      .get(`/studies/${team.study.id}/results`)
      .expect(200);
    const pendingForCoordinator = (asCoordinator.body.items as { photoSetId: string }[]).find(
      (row) => row.photoSetId === pending.id,
    );
    expect(pendingForCoordinator).toMatchObject({ readA: null, readB: null });
    expect(
      (asCoordinator.body.items as { photoSetId: string }[]).find(
        (r) => r.photoSetId === concordant.id,
      ),
    ).toMatchObject({ readA: { salt: 40 }, finalSalt: 41.3 });

    // Not a member, a rater, or an adjudicator: 404, never the data.
    await outsider.client.get(`/studies/${team.study.id}/results`).expect(404);
    await team.raters[0].client.get(`/studies/${team.study.id}/results`).expect(404);
    await adjudicator.client.get(`/studies/${team.study.id}/results`).expect(404);
    await team.admin.get(`/studies/${team.study.id}/results?format=xml`).expect(400);

    // CSV: escaped, and formula injection neutralised.
    const csv = await team.admin.get(`/studies/${team.study.id}/results?format=csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^photoSetId,subjectCode,visit,visitDate,status,readA\.raterId,/);
    expect(csv.text).toContain(`'=cmd|calc`);
    expect(csv.text).not.toMatch(/(^|,)=cmd/m);
    expect(csv.text).toContain(`"'=SUM(A1:A9) says the right side, ""clearly""."`);
    expect(csv.text).toContain(`"week,8"`);
    const concordantLine = lines.find((line) => line.startsWith(concordant.id))!;
    // Signatures follow: "printed name | UTC time | meaning" for Read A, Read B, the decision.
    expect(concordantLine).toMatch(
      /,41\.3,concordant-mean,[^,|]+ \| [^,|]+Z \| I attest this is my independent assessment,[^,]+,$/,
    );
    const exported = await t.db.query(
      `SELECT actor_id AS "actorId" FROM audit_events WHERE action = 'export.downloaded' AND study_id = $1`,
      [team.study.id],
    );
    expect(exported).toHaveLength(1);
  });
});
