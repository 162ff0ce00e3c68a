import { parse } from 'csv-parse/sync';
import {
  addMember,
  assign,
  insertReadySet,
  Make,
  MadeUser,
  scores,
  studyWithTeam,
  tasksOf,
  Team,
  waitForStatus,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The seed pilot (Castela et al. 2014): five patients, median SALT 82 (range 63–100) at
 * baseline and 69 (range 28–100) at 6 months. Individual values chosen to give exactly that
 * table; by hand:
 *   P1 100 → 100 (change 0, 0 %)        P2 82 → 69 (−13, −15.85 %)
 *   P3  63 →  28 (−35, −55.56 %: SALT50) P4 95 → 90 (−5, −5.26 %)   P5 75 → 50 (−25, −33.33 %)
 * Changes sorted −35, −25, −13, −5, 0: median −13, mean −15.6. SALT ≤ 20 and ≤ 10: 0/5 at both
 * visits. SALT50 1/5 (Wilson 95% CI 0.0362–0.6245), SALT75 and SALT90 0/5 (0–0.4345).
 * P6 has a baseline set still being read: counted and named, never imputed.
 */
const PILOT = [
  ['P1', 100, 100],
  ['P2', 82, 69],
  ['P3', 63, 28],
  ['P4', 95, 90],
  ['P5', 75, 50],
] as const;

const SCHEDULE = [
  { label: 'baseline', plannedDay: 1, baseline: true },
  { label: 'month 6', plannedDay: 183, baseline: false },
  { label: 'month 12', plannedDay: 365, baseline: false },
];

type Csv = Record<string, string>[];

function csv(text: string): Csv {
  return parse<Record<string, string>>(text, { columns: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('trial endpoints: the seed pilot through the API, the CSV and the datasets', () => {
  let t: TestApp;
  let make: Make;
  let team: Team;
  let coordinator: MadeUser;
  let auditor: MadeUser;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    team = await studyWithTeam(make, {
      raters: 2,
      adjudicators: 0,
      coordinators: 1,
      settings: { visits: SCHEDULE },
    });
    coordinator = team.coordinators[0];
    auditor = await make.auditor();
    await addMember(team.admin, team.study.id, auditor.user.id, ['auditor']);
    const planned: { id: string; salt: number }[] = [];
    for (const [code, baseline, month6] of PILOT) {
      const base = await insertReadySet(t, team.study.id, code, 'baseline', '2014-01-06');
      const later = await insertReadySet(t, team.study.id, code, 'month 6', '2014-07-07');
      planned.push({ id: base.id, salt: baseline }, { id: later.id, salt: month6 });
    }
    const pending = await insertReadySet(t, team.study.id, 'P6', 'baseline', '2014-01-08');
    const ids = [...planned.map((p) => p.id), pending.id];
    await assign(t, ids);
    await waitForStatus(t, ids, (s) => s === 'reading');
    const raterOf = (id: string) => team.raters.find((rater) => rater.user.id === id)!;
    for (const task of await tasksOf(
      t,
      planned.map((p) => p.id),
    )) {
      // Both reads equal: a concordant pair whose final SALT is that value.
      const salt = planned.find((p) => p.id === task.photoSetId)!.salt;
      await raterOf(task.raterId).client.post(`/reads/${task.id}/score`, scores(salt)).expect(201);
    }
    await waitForStatus(
      t,
      planned.map((p) => p.id),
      (s) => s === 'final',
    );
  });
  afterAll(() => t.close());

  it('JSON: medians, ranges, change, responder rates with Wilson CIs, pending set named', async () => {
    const response = await coordinator.client
      .get(`/studies/${team.study.id}/endpoints`)
      .expect(200);
    const [baseline, month6, month12] = response.body.visits;
    expect(baseline).toMatchObject({
      visit: 'baseline',
      order: 1,
      plannedDay: 1,
      baseline: true,
      sets: 6,
      notFinal: { count: 1, subjects: ['P6'] },
      salt: { n: 5, median: 82, min: 63, max: 100, mean: 83, q1: 75, q3: 95 },
      change: null,
    });
    expect(month6).toMatchObject({
      visit: 'month 6',
      sets: 5,
      notFinal: { count: 0 },
      salt: { n: 5, median: 69, min: 28, max: 100, mean: 67.4 },
      change: { n: 5, median: -13, mean: -15.6, min: -35, max: 0 },
    });
    expect(month6.percentChange.median).toBeCloseTo(-15.8537, 3);
    const rates = Object.fromEntries(
      (month6.rates as { criterion: string; ciLow: number; ciHigh: number }[]).map((r) => [
        r.criterion,
        r,
      ]),
    );
    expect(rates['salt-le-20']).toMatchObject({ count: 0, n: 5, rate: 0, ciLow: 0 });
    expect(rates.salt50).toMatchObject({ count: 1, n: 5, rate: 0.2 });
    expect(rates.salt50.ciLow).toBeCloseTo(0.0362, 4);
    expect(rates.salt50.ciHigh).toBeCloseTo(0.6245, 4);
    expect(rates.salt75).toMatchObject({ count: 0, n: 5, ciLow: 0 });
    expect(rates.salt75.ciHigh).toBeCloseTo(0.4345, 4);
    expect(rates.salt90).toMatchObject({ count: 0, n: 5 });
    // A scheduled visit with no sets yet is listed, empty.
    expect(month12).toMatchObject({ visit: 'month 12', sets: 0, salt: { n: 0, median: null } });
    expect(response.body.notes).toEqual([
      'baseline: 1 set(s) not final yet, not counted and not imputed (P6)',
    ]);
  });

  it('CSV: the same figures, and the download is audited', async () => {
    const response = await auditor.client
      .get(`/studies/${team.study.id}/endpoints?format=csv`)
      .expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const rows = csv(response.text);
    const row = (visit: string, measure: string) =>
      rows.find((r) => r.visit === visit && r.measure === measure)!;
    expect(row('baseline', 'salt')).toMatchObject({ n: '5', median: '82', min: '63', max: '100' });
    expect(row('month 6', 'salt')).toMatchObject({ n: '5', median: '69', min: '28', max: '100' });
    expect(row('month 6', 'change')).toMatchObject({ median: '-13', mean: '-15.6' });
    expect(row('month 6', 'salt50')).toMatchObject({ count: '1', n: '5', rate: '0.2' });
    expect(Number(row('month 6', 'salt50').ciLow)).toBeCloseTo(0.0362, 4);
    expect(row('baseline', 'notFinal')).toMatchObject({ count: '1', subjects: 'P6' });
    const audited: { after: { export: string } }[] = await t.db.query(
      `SELECT after FROM audit_events WHERE action = 'export.downloaded' AND study_id = $1`,
      [team.study.id],
    );
    expect(audited.map((e) => e.after.export)).toContain('endpoints');
  });

  it('ADSALT: one row per subject × visit with the same figures', async () => {
    const response = await coordinator.client
      .get(`/studies/${team.study.id}/datasets/adsalt.csv`)
      .expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const rows = csv(response.text);
    expect(rows).toHaveLength(11);
    const aval = (visit: string) =>
      rows.filter((r) => r.AVISIT === visit && r.AVAL !== '').map((r) => Number(r.AVAL));
    expect(aval('baseline')).toHaveLength(5);
    expect([median(aval('baseline')), Math.min(...aval('baseline'))]).toEqual([82, 63]);
    expect(Math.max(...aval('baseline'))).toBe(100);
    expect([median(aval('month 6')), Math.min(...aval('month 6'))]).toEqual([69, 28]);
    expect(Math.max(...aval('month 6'))).toBe(100);
    const p2 = rows.find((r) => r.SUBJID === 'P2' && r.AVISIT === 'month 6')!;
    expect(p2).toMatchObject({
      STUDYID: team.study.code,
      USUBJID: `${team.study.code}-P2`,
      AVISITN: '2',
      APLDY: '183',
      ADT: '2014-07-07',
      ADY: '183',
      PARAMCD: 'SALT',
      AVAL: '69',
      BASE: '82',
      CHG: '-13',
      PCHG: '-15.8537',
      ABLFL: '',
      LE20FL: 'N',
      SALT50FL: 'N',
      AVALSRC: 'concordant-mean',
      SETSTAT: 'final',
    });
    const responders = rows.filter((r) => r.SALT50FL === 'Y').map((r) => r.SUBJID);
    expect(responders).toEqual(['P3']);
    const chg = rows.filter((r) => r.CHG !== '').map((r) => Number(r.CHG));
    expect(median(chg)).toBe(-13);
    expect(rows.filter((r) => r.ABLFL === 'Y')).toHaveLength(5);
    const p6 = rows.find((r) => r.SUBJID === 'P6')!;
    expect(p6).toMatchObject({ AVAL: '', ABLFL: '', SETSTAT: 'reading', AVALSRC: '' });
  });

  it('ADREAD: each read, raters as stable pseudonymous codes, never names or ids', async () => {
    const first = await auditor.client
      .get(`/studies/${team.study.id}/datasets/adread.csv`)
      .expect(200);
    const rows = csv(first.text);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.RATER))).toEqual(new Set(['R01', 'R02']));
    for (const rater of team.raters) {
      expect(first.text).not.toContain(rater.user.id);
      expect(first.text).not.toContain(rater.user.name);
    }
    const p3 = rows.filter((r) => r.SUBJID === 'P3' && r.AVISIT === 'month 6');
    expect(p3.map((r) => [r.READSLOT, r.AVAL, r.TOP])).toEqual([
      ['A', '28', '28'],
      ['B', '28', '28'],
    ]);
    const again = csv(
      (await auditor.client.get(`/studies/${team.study.id}/datasets/adread.csv`).expect(200)).text,
    );
    expect(again.map((r) => r.RATER)).toEqual(rows.map((r) => r.RATER));
  });

  it('ADREAD: a coordinator gets reads of final sets only, an auditor every read', async () => {
    // One read of P6's baseline, which stays in reading (its pair is not complete).
    const [set] = await t.db.query(
      `SELECT s.id FROM photo_sets s JOIN subjects sub ON sub.id = s.subject_id
        WHERE s.study_id = $1 AND sub.code = 'P6'`,
      [team.study.id],
    );
    const [task] = (await tasksOf(t, [set.id as string])).filter((row) => row.slot === 1);
    const rater = team.raters.find((r) => r.user.id === task.raterId)!;
    await rater.client.post(`/reads/${task.id}/score`, scores(77)).expect(201);
    const path = `/studies/${team.study.id}/datasets/adread.csv`;
    const byAuditor = csv((await auditor.client.get(path).expect(200)).text);
    const byCoordinator = csv((await coordinator.client.get(path).expect(200)).text);
    expect(byAuditor.filter((r) => r.SUBJID === 'P6')).toMatchObject([
      { AVAL: '77', SETSTAT: 'reading', READSLOT: 'A' },
    ]);
    expect(byAuditor).toHaveLength(21);
    expect(byCoordinator).toHaveLength(20);
    expect(byCoordinator.some((r) => r.SUBJID === 'P6')).toBe(false);
  });

  it('raters get 404 on every route, like results', async () => {
    const rater = team.raters[0].client;
    for (const path of [
      'endpoints',
      'endpoints?format=csv',
      'datasets/adsalt.csv',
      'datasets/adread.csv',
    ]) {
      const response = await rater.get(`/studies/${team.study.id}/${path}`);
      expect(response.status).toBe(404);
      expect(response.text).not.toContain('P1');
    }
    const stranger = await make.coordinator();
    expect((await stranger.client.get(`/studies/${team.study.id}/endpoints`)).status).toBe(404);
  });
});
