import {
  Make,
  addMember,
  assign,
  insertReadySet,
  scores,
  studyWithTeam,
  waitForStatus,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

interface MonitoringRow {
  raterId: string;
  meanDifferenceFromPartners: number | null;
}

function monitoringOf(report: { raters: MonitoringRow[] }, raterId: string): MonitoringRow {
  const rater = report.raters.find((row) => row.raterId === raterId);
  if (!rater) throw new Error(`no monitoring row for ${raterId}`);
  return rater;
}

describe('agreement statistics', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('reports ICCs, Bland–Altman, kappa and rater monitoring for auditors only', async () => {
    const { study, raters, adjudicators, admin } = await studyWithTeam(make, {
      raters: 2,
      adjudicators: 1,
    });
    const sets = [];
    for (let visit = 1; visit <= 6; visit++) {
      sets.push(await insertReadySet(t, study.id, 'AG-1', `V${visit}`));
    }
    await assign(
      t,
      sets.map((set) => set.id),
    );
    await waitForStatus(
      t,
      sets.map((set) => set.id),
      (status) => status === 'reading',
    );

    // Rater 1 reads 30 + 10·visit (all above the threshold of 20); rater 2 reads 2 points more,
    // except one far-off read on visit 6.
    for (const [index, rater] of raters.entries()) {
      const { body } = await rater.client.get('/reads').expect(200);
      for (const item of body.items as { id: string }[]) {
        const [{ visit: label }]: { visit: string }[] = await t.db.query(
          `SELECT ps.visit FROM read_tasks rt
             JOIN photo_sets ps ON ps.id = rt.photo_set_id WHERE rt.id = $1`,
          [item.id],
        );
        const visit = Number(label.slice(1));
        const base = 30 + 10 * visit;
        const salt = index === 0 ? base : visit === 6 ? base - 25 : base + 2;
        await rater.client.post(`/reads/${item.id}/score`, scores(salt)).expect(201);
      }
    }
    const statuses = await waitForStatus(
      t,
      sets.map((set) => set.id),
      (status) => status === 'final' || status === 'adjudicating',
    );
    expect(Object.values(statuses).filter((status) => status === 'adjudicating')).toHaveLength(1);
    const next = await adjudicators[0].client.post('/adjudications/next').expect(200);
    await adjudicators[0].client
      .post(`/adjudications/${next.body.id}/decision`, {
        choice: 'A',
        rationale: 'Read A matches the visible regrowth on the vertex.',
      })
      .expect(201);

    const auditor = await make.auditor();
    await addMember(admin, study.id, auditor.user.id, ['auditor']);
    const { body: report } = await auditor.client.get(`/studies/${study.id}/agreement`).expect(200);
    expect(report).toMatchObject({ studyId: study.id, pairs: 6, discordant: 1 });
    expect(report.icc11.value).toBeGreaterThan(0.5);
    expect(report.icc21ByPair).toHaveLength(1);
    expect([...(report.icc21ByPair[0].raterIds as string[])].sort()).toEqual(
      raters.map((r) => r.user.id).sort(),
    );
    expect(report.blandAltmanPooled.n).toBe(6);
    // Per fixed pair, oriented by rater and named: rater 2 − rater 1 is +2 on five sets and
    // −25 on one, a mean of −2.5, whichever slot each read was in.
    const [first, second] = [...raters].sort((x, y) => (x.user.id < y.user.id ? -1 : 1));
    const sign = first === raters[1] ? 1 : -1;
    expect(report.blandAltmanByPair).toHaveLength(1);
    expect(report.blandAltmanByPair[0]).toMatchObject({
      raterIds: [first.user.id, second.user.id],
      difference: `${first.user.name} − ${second.user.name}`,
      n: 6,
    });
    expect(report.blandAltmanByPair[0].bias).toBeCloseTo(sign * -2.5, 10);
    expect(monitoringOf(report, raters[1].user.id).meanDifferenceFromPartners).toBeCloseTo(
      -2.5,
      10,
    );
    expect(monitoringOf(report, raters[0].user.id).meanDifferenceFromPartners).toBeCloseTo(2.5, 10);
    expect((report.notes as string[]).join(' ')).toMatch(/pooled Bland–Altman/);
    expect(report.kappa.categories).toEqual(['0', '1', '2', '3', '4']);
    expect(report.raters).toHaveLength(2);
    const monitoring = Object.fromEntries(
      (report.raters as { raterId: string; chosen: number; adjudicatedWithChoice: number }[]).map(
        (rater) => [rater.raterId, rater],
      ),
    );
    // Exactly one of the two raters was chosen in the single adjudication.
    const chosen = raters.map((rater) => monitoring[rater.user.id].chosen).sort();
    expect(chosen).toEqual([0, 1]);
    expect(report.raterNames[raters[0].user.id]).toBe(raters[0].user.name);

    const olsen = await admin.get(`/studies/${study.id}/agreement?scale=olsen-s`).expect(200);
    expect(olsen.body.kappa.scale).toBe('Olsen S');
    await admin.get(`/studies/${study.id}/agreement?scale=made-up`).expect(400);

    // Raters see nothing of it; an auditor outside the study cannot tell the study exists.
    await raters[0].client.get(`/studies/${study.id}/agreement`).expect(404);
    const outsider = await make.auditor();
    await outsider.client.get(`/studies/${study.id}/agreement`).expect(404);
  });
});
