import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { ApiClient, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** Sends `raw` as a JSON body exactly as written (escapes such as \ud800 stay escapes). */
function rawJson(test: ReturnType<ApiClient['post']>, raw: string) {
  return test.set('Content-Type', 'application/json').send(raw);
}

function expectRefused(response: Response, field: string): void {
  expect(response.status).toBe(400);
  expect(Object.keys(response.body as object).sort()).toEqual([
    'error',
    'message',
    'requestId',
    'statusCode',
  ]);
  expect(JSON.stringify(response.body.message)).toContain(field);
}

describe('hostile input: deep JSON, NUL bytes and lone surrogates are 4xx, never 500', () => {
  let t: TestApp;
  let make: Make;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    admin = await make.admin();
  });
  afterAll(() => t.close());

  it('refuses deeply nested JSON before it is transformed (score and draft bodies)', async () => {
    const { client } = await make.rater();
    const taskId = randomUUID();
    const deepObject = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const score = await rawJson(
      client.post(`/reads/${taskId}/score`),
      `{"top":${deepObject},"back":1,"left":1,"right":1}`,
    );
    expect([400, 413]).toContain(score.status);
    expect(score.body.statusCode).toBe(score.status);

    const deepArray = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const draft = await rawJson(client.put(`/reads/${taskId}/draft`), `{"top":${deepArray}}`);
    expect([400, 413]).toContain(draft.status);
    expect(draft.body.statusCode).toBe(draft.status);

    // Brackets inside strings are text, not nesting: this body is only two levels deep.
    const brackets = await rawJson(
      admin.post('/auth/tokens'),
      JSON.stringify({ name: '[[[[{{{{'.repeat(20).slice(0, 100) }),
    );
    expect(brackets.status).toBe(201);
  });

  it('refuses a NUL byte in body fields, naming the field, and stores nothing', async () => {
    const suffix = randomUUID().slice(0, 8);
    expectRefused(
      await admin.post('/users', {
        email: `nul-${suffix}@salt.test`,
        name: 'Null\u0000Byte',
        password: 'long-enough-password',
        roles: ['rater'],
      }),
      'name',
    );
    expectRefused(
      await admin.post('/studies', { code: `NUL-${suffix}`, title: 'Study\u0000title' }),
      'title',
    );
    const { client, user } = await make.coordinator();
    expectRefused(await client.post('/auth/tokens', { name: 'script\u0000' }), 'name');
    expectRefused(await admin.patch(`/users/${user.id}`, { name: '\u0000' }), 'name');
    const stored: unknown[] = await t.db.query(
      `SELECT 1 FROM users WHERE email = $1
       UNION ALL SELECT 1 FROM studies WHERE code = $2
       UNION ALL SELECT 1 FROM api_tokens WHERE user_id = $3`,
      [`nul-${suffix}@salt.test`, `NUL-${suffix}`, user.id],
    );
    expect(stored).toEqual([]);
  });

  it('refuses a NUL byte in query filters and path parameters, naming the field', async () => {
    const study = await admin.post('/studies', {
      code: `Q-${randomUUID().slice(0, 8)}`,
      title: 'Query filters',
    });
    expect(study.status).toBe(201);
    expectRefused(
      await admin.get(`/studies/${study.body.id}/photo-sets?subjectCode=S%00-1`),
      'subjectCode',
    );
    expectRefused(await admin.get('/audit?action=study.created%00'), 'action');
    expectRefused(await admin.get('/audit/export?format=jsonl&entityId=%00'), 'entityId');
    expectRefused(await admin.get('/audit/entities/photo-set/abc%00def'), 'id');
  });

  it('refuses a lone UTF-16 surrogate as invalid text, naming the field', async () => {
    const { client, user } = await make.rater();
    expectRefused(await rawJson(client.post('/auth/tokens'), '{"name":"tok\\ud800en"}'), 'name');
    expectRefused(
      await rawJson(
        client.post('/auth/login'),
        `{"email":"\\udc00${user.email}","password":"whatever-it-is"}`,
      ),
      'email',
    );
    expectRefused(
      await rawJson(admin.post('/studies'), '{"code":"LONE-1","title":"Scalp \\ud83d study"}'),
      'title',
    );
    // A proper pair (an emoji) is valid text.
    const emoji = await rawJson(client.post('/auth/tokens'), '{"name":"laptop \\ud83d\\udcbb"}');
    expect(emoji.status).toBe(201);
    expect(emoji.body.name).toBe('laptop 💻');
  });
});
