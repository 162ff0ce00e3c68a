import { VisitSchedule1764151100000 } from '../../src/database/migrations/1764151100000-visit-schedule';
import { createStudy, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const SCHEDULE = [
  { label: 'baseline', plannedDay: 1, baseline: true },
  { label: 'week 12', plannedDay: 85, baseline: false },
  { label: 'week 24', baseline: false },
];

describe('visit schedule in the study settings', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  async function insertSet(studyId: string, subject: string, visit: string, at: string) {
    const [row] = await t.db.query(
      `INSERT INTO subjects (study_id, code) VALUES ($1, $2)
       ON CONFLICT (study_id, code) DO UPDATE SET code = EXCLUDED.code RETURNING id`,
      [studyId, subject],
    );
    await t.db.query(
      `INSERT INTO photo_sets (study_id, subject_id, visit, status, created_at)
       VALUES ($1, $2, $3, 'ready', $4)`,
      [studyId, row.id, visit, at],
    );
  }

  it('is set with a reason, audited, and read back in order (planned day null when omitted)', async () => {
    const admin = await make.admin();
    const study = await createStudy(admin);
    const noReason = await admin.patch(`/studies/${study.id}`, { settings: { visits: SCHEDULE } });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.message)).toMatch(/reason/);
    const ok = await admin
      .patch(`/studies/${study.id}`, { settings: { visits: SCHEDULE }, reason: 'charter v1' })
      .expect(200);
    expect(ok.body.settings.visits).toEqual([
      { label: 'baseline', plannedDay: 1, baseline: true },
      { label: 'week 12', plannedDay: 85, baseline: false },
      { label: 'week 24', plannedDay: null, baseline: false },
    ]);
    const [event] = await t.db.query(
      `SELECT before, after, reason FROM audit_events
        WHERE action = 'study.settings-changed' AND entity_id = $1`,
      [study.id],
    );
    expect(event.reason).toBe('charter v1');
    expect(event.before.settings.visits).toEqual([]);
    const after = event.after as { settings: { visits: { label: string }[] } };
    expect(after.settings.visits.map((v) => v.label)).toEqual(['baseline', 'week 12', 'week 24']);
  });

  it('refuses two baselines, none, duplicates and planned days out of order', async () => {
    const admin = await make.admin();
    const twoBaselines = await admin.post('/studies', {
      code: `S-2B-${Date.now()}`,
      title: 'Two baselines',
      settings: {
        visits: [
          { label: 'a', baseline: true },
          { label: 'b', baseline: true },
        ],
      },
    });
    expect(twoBaselines.status).toBe(400);
    expect(twoBaselines.body.message).toEqual([
      'visits: exactly one visit must be the baseline (found 2)',
    ]);
    const study = await createStudy(admin);
    const bad = await admin.patch(`/studies/${study.id}`, {
      settings: {
        visits: [
          { label: 'a', plannedDay: 30, baseline: false },
          { label: 'a', plannedDay: 1, baseline: false },
        ],
      },
      reason: 'typo',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual([
      'visits: "a" appears more than once',
      'visits: exactly one visit must be the baseline (found 0)',
      'visits: planned day of "a" (1) must come after "a" (30)',
    ]);
    const empty = await admin.patch(`/studies/${study.id}`, {
      settings: { visits: [] },
      reason: 'clear',
    });
    expect(empty.status).toBe(400);
    const badLabel = await admin.patch(`/studies/${study.id}`, {
      settings: { visits: [{ label: '=cmd', baseline: true }] },
      reason: 'x',
    });
    expect(badLabel.status).toBe(400);
  });

  it('keeps every visit that already has photo sets', async () => {
    const admin = await make.admin();
    const study = await createStudy(admin, {
      visits: [
        { label: 'baseline', plannedDay: 1, baseline: true },
        { label: 'week 12', plannedDay: 85, baseline: false },
      ],
    });
    await insertSet(study.id, 'P1', 'week 12', '2026-01-01T00:00:00Z');
    const dropped = await admin.patch(`/studies/${study.id}`, {
      settings: { visits: [{ label: 'baseline', plannedDay: 1, baseline: true }] },
      reason: 'drop week 12',
    });
    expect(dropped.status).toBe(400);
    expect(dropped.body.message).toEqual([
      'visits: "week 12" has photo sets and must stay on the schedule',
    ]);
    const renamedBaseline = await admin.patch(`/studies/${study.id}`, {
      settings: {
        visits: [
          { label: 'day 1', plannedDay: 1, baseline: true },
          { label: 'week 12', plannedDay: 85, baseline: false },
        ],
      },
      reason: 'rename the baseline, which has no sets yet',
    });
    expect(renamedBaseline.status).toBe(200);
  });

  it('migration: a study from before schedules gets its labels in order of first upload', async () => {
    const admin = await make.admin();
    const legacy = await createStudy(admin);
    const empty = await createStudy(admin);
    // As stored before the schedule existed: no `visits` key at all.
    await t.db.query(`UPDATE studies SET settings = settings - 'visits' WHERE id = ANY($1)`, [
      [legacy.id, empty.id],
    ]);
    await insertSet(legacy.id, 'P1', 'week 4', '2025-02-01T00:00:00Z');
    await insertSet(legacy.id, 'P2', 'screening', '2025-01-01T00:00:00Z');
    await insertSet(legacy.id, 'P1', 'screening', '2025-01-15T00:00:00Z');
    await insertSet(legacy.id, 'P2', 'week 4', '2025-01-20T00:00:00Z');
    await insertSet(legacy.id, 'P3', 'week 8', '2025-03-01T00:00:00Z');
    const runner = t.db.createQueryRunner();
    try {
      await new VisitSchedule1764151100000().up(runner);
    } finally {
      await runner.release();
    }
    const read = await admin.get(`/studies/${legacy.id}`).expect(200);
    expect(read.body.settings.visits).toEqual([
      { label: 'screening', plannedDay: null, baseline: true },
      { label: 'week 4', plannedDay: null, baseline: false },
      { label: 'week 8', plannedDay: null, baseline: false },
    ]);
    // Other settings are untouched; a study without sets keeps no schedule.
    expect(read.body.settings.maxDifference).toBe(10);
    expect((await admin.get(`/studies/${empty.id}`).expect(200)).body.settings.visits).toEqual([]);
  });
});
