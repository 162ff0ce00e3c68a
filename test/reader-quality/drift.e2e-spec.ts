import { DriftService } from '../../src/reader-quality/drift.service';
import {
  ApiClient,
  assign,
  createStudy,
  insertReadySet,
  Make,
  MadeUser,
  waitForStatus,
} from '../support/factories';
import { waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';
import {
  charter,
  raterInStudy,
  seedFinalSets,
  tasksOfRater,
} from '../support/reader-quality-fixtures';

/** Mulberry32: the same reads on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('reader quality: drift alerts and suspension', () => {
  let t: TestApp;
  let make: Make;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    admin = await make.admin();
  });
  afterAll(() => t.close());

  it('a rater drifting +8 after their 100th read is flagged (audited alert), a steady one is not; a suspended rater gets no new work and their open tasks move on', async () => {
    const study = await createStudy(admin, charter({}));
    const raters: MadeUser[] = [];
    for (let i = 0; i < 5; i++) raters.push(await raterInStudy(make, admin, study.id));
    const [drifting, , steady] = raters;
    const random = seeded(1201);
    const normal = () =>
      Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
    const read = (truth: number, shift: number) =>
      Math.round(Math.min(100, Math.max(0, truth + shift + 3 * normal())) * 10) / 10;
    const start = new Date(Date.now() - 10 * 24 * 3_600_000);
    // A ring of pairs (r0,r1) … (r4,r0), 80 sets each, interleaved in time (set i of pair p at
    // minute 5i + p): r0's 100th read is its read of set 50 of its first pair.
    for (let p = 0; p < 5; p++) {
      const pair: [string, string] = [raters[p].user.id, raters[(p + 1) % 5].user.id];
      await seedFinalSets(
        t,
        study.id,
        pair,
        80,
        new Date(start.getTime() + p * 60_000),
        (i) => {
          const truth = 10 + random() * 80;
          const shift = (id: string) => (id === drifting.user.id && i >= 50 ? 8 : 0);
          return [read(truth, shift(pair[0])), read(truth, shift(pair[1]))];
        },
        5,
      );
    }

    await t.app.get(DriftService, { strict: false }).checkDrift(study.id);
    const overview = await admin.get(`/studies/${study.id}/reader-quality`).expect(200);
    const alerted = new Set((overview.body.alerts as { raterId: string }[]).map((a) => a.raterId));
    expect(alerted.has(drifting.user.id)).toBe(true);
    expect(alerted.has(steady.user.id)).toBe(false);
    type Point = { index: number; outOfControl: boolean };
    const chartOf = (id: string) =>
      (overview.body.raters as { raterId: string; chart: Point[] }[]).find((r) => r.raterId === id)!
        .chart;
    // Flagged only after the drift began (subgroups of 20: the first five are before it).
    expect(
      chartOf(drifting.user.id)
        .filter((p) => p.outOfControl)
        .every((p) => p.index >= 5),
    ).toBe(true);
    const audit = await admin.get(`/audit?action=reader.alert&studyId=${study.id}`).expect(200);
    expect(
      (audit.body.items as { entityId: string }[]).every((e) => e.entityId !== steady.user.id),
    ).toBe(true);
    expect((audit.body.items as { entityId: string }[]).map((e) => e.entityId)).toContain(
      drifting.user.id,
    );
    // Checking again raises nothing new.
    expect(await t.app.get(DriftService, { strict: false }).checkDrift(study.id)).toBe(0);

    // Suspension: open live tasks move on, and no new set goes to the suspended rater.
    const sets = [];
    for (let i = 0; i < 5; i++) sets.push(await insertReadySet(t, study.id, `SUS-${i}`, 'v1'));
    // One set at a time: each assignment then sees the loads the previous one committed, so the
    // least-loaded rule spreads the 10 tasks 2 to each of the 5 raters. (Concurrent jobs each see
    // only committed loads, and could by chance leave the drifting rater with none.)
    for (const set of sets) {
      await assign(t, [set.id]);
      await waitForStatus(t, [set.id], (status) => status === 'reading');
    }
    const open = async () =>
      (await tasksOfRater(t, drifting.user.id)).filter(
        (x) => x.kind === 'live' && x.status === 'assigned',
      );
    expect((await open()).length).toBeGreaterThan(0);
    const path = `/studies/${study.id}/reader-quality/raters/${drifting.user.id}/suspend`;
    await admin.post(path, {}).expect(400);
    const reason = 'Drift alert on the discordance chart; retraining first';
    const suspended = await admin.post(path, { reason }).expect(200);
    expect(suspended.body).toEqual({ status: 'qualified', suspended: true });
    await admin.post(path, { reason }).expect(409);
    await waitFor(async () => (await open()).length === 0, 20_000);
    const more = await insertReadySet(t, study.id, 'SUS-9', 'v1');
    await assign(t, [more.id]);
    await waitForStatus(t, [more.id], (status) => status === 'reading');
    expect((await tasksOfRater(t, drifting.user.id)).map((x) => x.photoSetId)).not.toContain(
      more.id,
    );
    const events = await admin.get(`/audit?action=rater.suspended&studyId=${study.id}`).expect(200);
    expect(events.body.items).toHaveLength(1);
    expect(events.body.items[0]).toMatchObject({ entityId: drifting.user.id, reason });
    const mine = await drifting.client.get(`/studies/${study.id}/reader-quality/me`).expect(200);
    expect(mine.body).toEqual({ status: 'qualified', suspended: true });
    // A rater never sees the page of others: as for anything a blind reader may not see, 404.
    await drifting.client.get(`/studies/${study.id}/reader-quality`).expect(404);
  });
});
