import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { getQueueToken } from '@nestjs/bullmq';
import { QUEUE_BOARD_CSP } from '../../src/queue-board/queue-board';
import { ALL_QUEUES, QueueName } from '../../src/queue/queue-names';
import { ApiClient, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const BOARD = '/admin/queues';

interface BoardQueues {
  queues: { name: string; counts: Record<string, number>; isPaused: boolean }[];
}

/** A request to the board with a client's credential (the board is outside /api/v1). */
function board(t: TestApp, client: ApiClient | undefined, method: 'get' | 'put', path: string) {
  const test = t.http()[method](BOARD + path);
  if (client?.credential.cookie) test.set('Cookie', client.credential.cookie);
  if (client?.credential.bearer) test.set('Authorization', `Bearer ${client.credential.bearer}`);
  return test;
}

describe('the queue dashboard at /admin/queues', () => {
  let t: TestApp;
  let make: Make;
  let admin: ApiClient;
  const webDir = mkdtempSync(join(tmpdir(), 'salt-web-'));

  beforeAll(async () => {
    // A built web app is present, so its history fallback (any GET → index.html) is mounted too.
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>salt-reader web app</title>');
    t = await startTestApp({ env: { WEB_DIR: webDir } });
    make = new Make(t);
    admin = await make.admin();
  });
  afterAll(async () => {
    await t.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('shows an admin the board, its assets and its API over every queue', async () => {
    const page = await board(t, admin, 'get', '').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('salt-reader queues');
    expect(page.text).toContain(`<base href="${BOARD}/"`);
    // Its own policy on this path only: the app's pages keep the app's.
    expect(page.headers['content-security-policy']).toBe(QUEUE_BOARD_CSP);
    expect(page.headers['x-powered-by']).toBeUndefined();
    const app = await t.http().get('/').expect(200);
    expect(app.headers['content-security-policy']).not.toBe(QUEUE_BOARD_CSP);

    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const asset = await board(t, admin, 'get', `/${script}`).expect(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);

    const api = await board(t, admin, 'get', '/api/queues').expect(200);
    expect(api.headers['content-type']).toMatch(/^application\/json/);
    const names = (api.body as BoardQueues).queues.map((queue) => queue.name).sort();
    expect(names).toEqual([...ALL_QUEUES].sort());
  });

  it('answers 404 to raters, adjudicators, coordinators, auditors and anonymous callers', async () => {
    const others: [string, ApiClient | undefined][] = [
      ['anonymous', undefined],
      ['rater', (await make.rater()).client],
      ['adjudicator', (await make.adjudicator()).client],
      ['coordinator', (await make.coordinator()).client],
      ['auditor', (await make.auditor()).client],
    ];
    for (const [who, client] of others) {
      for (const path of ['', '/', '/api/queues', '/static/js/none.js', '/queue/ingest']) {
        const response = await board(t, client, 'get', path);
        expect({ who, path, status: response.status }).toEqual({ who, path, status: 404 });
        // The same body as any unknown API path: nothing says a dashboard is there.
        expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
        expect(response.text).not.toMatch(/queues|bull/i);
      }
      const pause = await board(t, client, 'put', `/api/queues/${QueueName.Ingest}/pause`);
      expect(pause.status).toBe(404);
    }
    expect(await queue(QueueName.Ingest).isPaused()).toBe(false);
    // The web app's fallback (any other GET gets index.html) swallows neither page.
    await t.http().get('/metrics').expect(404);
    const deepLink = await t.http().get('/reads/next').expect(200);
    expect(deepLink.text).toContain('salt-reader web app');
  });

  it('does not open for an admin API token, nor for a session sent beside one', async () => {
    const token = await admin.post('/auth/tokens', { name: 'board' }).expect(201);
    const bearer = new ApiClient(t, { bearer: token.body.token as string });
    await board(t, bearer, 'get', '/api/queues').expect(404);
    const both = new ApiClient(t, { cookie: admin.credential.cookie, bearer: 'not-a-token' });
    await board(t, both, 'get', '/api/queues').expect(404);
  });

  it("refuses an admin's cross-site writes, and every action even same-origin (read-only)", async () => {
    const crossSite = await board(t, admin, 'put', `/api/queues/${QueueName.Ingest}/pause`)
      .set('Sec-Fetch-Site', 'cross-site')
      .set('Origin', 'https://evil.example');
    expect(crossSite.status).toBe(403);
    expect(await queue(QueueName.Ingest).isPaused()).toBe(false);

    // Actions on jobs would bypass the audit trail, so the board refuses them all.
    await board(t, admin, 'put', `/api/queues/${QueueName.Ingest}/pause`)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(405);
    await board(t, admin, 'put', `/api/queues/${QueueName.Ingest}/clean/completed`)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(405);
    expect(await queue(QueueName.Ingest).isPaused()).toBe(false);
    const queues = await board(t, admin, 'get', '/api/queues').expect(200);
    const listed = (queues.body as { queues: { readOnlyMode: boolean }[] }).queues;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((q) => q.readOnlyMode)).toBe(true);
  });

  function queue(name: QueueName): Queue {
    return t.app.get<Queue>(getQueueToken(name), { strict: false });
  }
});
