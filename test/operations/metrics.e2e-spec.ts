import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { ALL_QUEUES } from '../../src/queue/queue-names';
import { Make, scores, studyWithTeam, Team, tasksOf, waitForStatus } from '../support/factories';
import { fourViews, upload } from '../support/photo-fixtures';
import { freePort } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';
import { has, parseExposition, Sample, total } from '../support/metrics-text';

const TOKEN = randomBytes(32).toString('hex');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('/metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  let make: Make;
  let team: Team;

  const scrape = async (): Promise<Sample[]> => {
    const response = await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers['cache-control']).toBe('no-store');
    return parseExposition(response.text);
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: TOKEN } });
    make = new Make(t);
    team = await studyWithTeam(make, { raters: 2, adjudicators: 1, coordinators: 1 });
  });
  afterAll(() => t.close());

  it('refuses a scrape without the token, with a wrong one, and to a signed-in admin', async () => {
    const anonymous = await t.http().get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(anonymous.text).not.toMatch(/salt_|process_cpu/);
    for (const wrong of [`Bearer ${TOKEN.slice(1)}`, `Bearer ${TOKEN}0`, `Basic ${TOKEN}`, TOKEN]) {
      const response = await t.http().get('/metrics').set('Authorization', wrong);
      expect(response.status).toBe(401);
      expect(response.text).not.toMatch(/salt_|process_cpu/);
    }
    // The admin's session is no metrics credential: the token is the only key.
    const admin = await make.admin();
    const withSession = await admin.get('/../../metrics');
    expect(withSession.status).not.toBe(200);
  });

  it('shows HTTP and queue series moving after a real upload and read', async () => {
    const before = await scrape();

    const uploaded = await upload(
      team.coordinators[0].client,
      team.study.id,
      { subjectCode: `MX-${randomBytes(3).toString('hex')}`, visit: 'baseline' },
      await fourViews(),
    );
    expect(uploaded.status).toBe(202);
    const setId = uploaded.body.id as string;
    await waitForStatus(t, [setId], (status) => status === 'reading');
    const [task] = await tasksOf(t, [setId]);
    const rater = team.raters.find((member) => member.user.id === task.raterId)!;
    await rater.client.post(`/reads/${task.id}/score`, scores(30)).expect(201);

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      total(after, name, labels) - total(before, name, labels);

    // HTTP: by route template, never by URL.
    const uploadRoute = {
      method: 'POST',
      route: '/api/v1/studies/:id/photo-sets',
      status: '202',
    };
    expect(moved('salt_http_requests_total', uploadRoute)).toBe(1);
    expect(moved('salt_http_request_duration_seconds_count', uploadRoute)).toBe(1);
    expect(
      moved('salt_http_requests_total', {
        method: 'POST',
        route: '/api/v1/reads/:id/score',
        status: '201',
      }),
    ).toBe(1);
    // Queues: the ingest and assign jobs ran in this process's workers.
    expect(moved('salt_queue_job_duration_seconds_count', { queue: 'ingest' })).toBeGreaterThan(0);
    expect(moved('salt_queue_job_duration_seconds_count', { queue: 'assign' })).toBeGreaterThan(0);
    for (const queue of ALL_QUEUES) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(has(after, 'salt_queue_jobs', { queue, state })).toBe(true);
      }
    }
    // The reading centre's figures, counted in Postgres.
    expect(moved('salt_reads_submitted')).toBe(1);
    expect(total(after, 'salt_photo_sets', { status: 'reading' })).toBeGreaterThanOrEqual(1);
    expect(has(after, 'salt_photo_sets', { status: 'final' })).toBe(true);
    expect(moved('salt_audit_events')).toBeGreaterThan(0);
    expect(has(after, 'salt_adjudications_open')).toBe(true);
    expect(has(after, 'salt_image_queries_open')).toBe(true);
    expect(total(after, 'salt_metrics_source_up', { source: 'postgres' })).toBe(1);
    expect(total(after, 'salt_metrics_source_up', { source: 'redis' })).toBe(1);
    // Process metrics from prom-client's defaults.
    expect(has(after, 'process_cpu_user_seconds_total')).toBe(true);
    expect(has(after, 'nodejs_eventloop_lag_seconds')).toBe(true);

    // No label carries an id, the set's subject or visit, or a person's name.
    const names = [...team.raters, ...team.coordinators].map((member) => member.user.name);
    for (const sample of after) {
      for (const value of Object.values(sample.labels)) {
        expect(value).not.toMatch(UUID);
        expect(value).not.toMatch(/MX-|baseline/);
        for (const name of names) expect(value).not.toContain(name);
      }
    }
  });

  it('labels unknown and made-up paths as one series, not one per URL', async () => {
    await t
      .http()
      .get(`/api/v1/made-up/${randomBytes(8).toString('hex')}`)
      .expect(404);
    await t.http().get(`/api/v1/photo-sets/${'0'.repeat(8)}-0000-4000-8000-000000000000`);
    const samples = await scrape();
    const routes = new Set(
      samples.filter((s) => s.name === 'salt_http_requests_total').map((s) => s.labels.route),
    );
    expect(routes.has('unmatched')).toBe(true);
    expect(routes.has('/api/v1/photo-sets/:id')).toBe(true);
    expect([...routes].some((route) => /made-up|[0-9a-f]{8}-/.test(route))).toBe(false);
  });

  it('tells how long ago the audit chain was verified, and whether it held', async () => {
    const unverified = await scrape();
    expect(total(unverified, 'salt_audit_last_verify_age_seconds')).toBe(Infinity);
    const admin = await make.admin();
    await admin.get('/audit/verify').expect(200);
    const verified = await scrape();
    const age = total(verified, 'salt_audit_last_verify_age_seconds');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(3600);
    expect(total(verified, 'salt_audit_last_verify_ok')).toBe(1);
    // The sealer signs checkpoints in this process's workers.
    expect(has(verified, 'salt_audit_sealed_events')).toBe(true);
    expect(has(verified, 'salt_audit_last_checkpoint_age_seconds')).toBe(true);
  });
});

describe('/metrics without a token', () => {
  let t: TestApp;
  let metricsPort: number;

  beforeAll(async () => {
    metricsPort = await freePort();
    t = await startTestApp({ env: { METRICS_PORT: String(metricsPort) } });
  });
  afterAll(() => t.close());

  it('is not on the public port at all, whatever the credential', async () => {
    await t.http().get('/metrics').expect(404);
    await t.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
    const admin = await new Make(t).admin();
    expect((await admin.get('/../../metrics')).status).toBe(404);
  });

  it('is served on METRICS_PORT, and only /metrics there', async () => {
    const port = request(`http://127.0.0.1:${metricsPort}`);
    const response = await port.get('/metrics').expect(200);
    const samples = parseExposition(response.text);
    expect(has(samples, 'salt_queue_jobs', { queue: 'ingest', state: 'waiting' })).toBe(true);
    expect(has(samples, 'process_resident_memory_bytes')).toBe(true);
    await port.get('/').expect(404);
    await port.get('/api/v1/health').expect(404);
    await port.post('/metrics').expect(404);
  });
});
