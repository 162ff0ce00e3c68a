import { DEMO_STUDY_CODE, DemoService } from '../../src/demo/demo.service';
import { login, Make, waitForStatus } from '../support/factories';
import { waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';

describe('demo data', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { SALT_DEMO: 'true' } });
  });
  afterAll(() => t.close());

  it('SALT_DEMO=true creates the demo study through upload and ingest, once, with work waiting', async () => {
    let ids: string[] = [];
    await waitFor(async () => {
      const rows: { id: string }[] = await t.db.query(
        `SELECT s.id FROM photo_sets s JOIN studies st ON st.id = s.study_id WHERE st.code = $1`,
        [DEMO_STUDY_CODE],
      );
      ids = rows.map((row) => row.id);
      return ids.length === 12;
    }, 60_000);
    await waitForStatus(t, ids, (s) => s === 'reading', 60_000);
    // 3 subjects × 4 visits; the renditions were made by ingest, not written around it.
    const [counts] = await t.db.query(
      `SELECT count(DISTINCT s.subject_id) AS subjects, count(DISTINCT s.visit) AS visits,
              (SELECT count(*) FROM photo_images i
                WHERE i.photo_set_id = ANY($1::uuid[]) AND i.status = 'ready'
                  AND i.display_key IS NOT NULL) AS images
         FROM photo_sets s WHERE s.id = ANY($1::uuid[])`,
      [ids],
    );
    expect(counts).toEqual({ subjects: '3', visits: '4', images: '48' });
    // Its uploads went through the schedule check: the charter lists the four visits in order.
    const [study]: { visits: { label: string; baseline: boolean }[] }[] = await t.db.query(
      `SELECT settings->'visits' AS visits FROM studies WHERE code = $1`,
      [DEMO_STUDY_CODE],
    );
    expect(study.visits.map((v) => [v.label, v.baseline])).toEqual([
      ['baseline', true],
      ['week-12', false],
      ['week-24', false],
      ['week-36', false],
    ]);
    const members: { roles: string[] }[] = await t.db.query(
      `SELECT m.roles FROM study_members m JOIN studies s ON s.id = m.study_id WHERE s.code = $1`,
      [DEMO_STUDY_CODE],
    );
    expect(members.map((m) => m.roles.join()).sort()).toEqual(
      ['adjudicator', 'auditor', 'coordinator', 'rater', 'rater', 'rater', 'rater'].sort(),
    );

    // A rater signs in (the printed password is shown once; here an admin sets a known one).
    const [rater] = await t.db.query(`SELECT id, email FROM users WHERE email = $1`, [
      'rater1@demo.salt-reader.test',
    ]);
    const admin = await new Make(t).admin();
    await admin.patch(`/users/${rater.id}`, { password: 'known-password-123' }).expect(200);
    const client = await login(t, rater.email, 'known-password-123');
    const queue = await client.get('/reads').expect(200);
    expect(queue.body.counts.open).toBeGreaterThan(0);
    const next = await client.post('/reads/next').expect(200);
    await client.get(`/reads/${next.body.id}/images/top?size=thumb`).expect(200);

    // Idempotent: running it again changes nothing.
    const again = await t.app.get(DemoService).ensureDemo();
    expect(again).toMatchObject({ created: false, accounts: [] });
    expect([...again.photoSetIds].sort()).toEqual([...ids].sort());
    const studies: unknown[] = await t.db.query(`SELECT 1 FROM studies WHERE code = $1`, [
      DEMO_STUDY_CODE,
    ]);
    expect(studies).toHaveLength(1);
  });
});
