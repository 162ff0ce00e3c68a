import { API, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('HTTP conventions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves the OpenAPI document and UI', async () => {
    const doc = await t.http().get('/api/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/users', '/api/v1/health']),
    );
    const ui = await t.http().get('/api/docs').redirects(1);
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger/i);
  });

  it('sends helmet headers and a request id', async () => {
    const response = await t.http().get(`${API}/health`).expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes and malformed JSON with the one error body', async () => {
    const missing = await t.http().get(`${API}/nothing-here`).expect(404);
    expect(Object.keys(missing.body).sort()).toEqual([
      'error',
      'message',
      'requestId',
      'statusCode',
    ]);
    const admin = await new Make(t).admin();
    const unknown = await admin.get('/nothing-here').expect(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(unknown.body.requestId).toBe(unknown.headers['x-request-id']);
    const malformed = await t
      .http()
      .post(`${API}/auth/login`)
      .set('Content-Type', 'application/json')
      .send('{"email": ');
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.js|SyntaxError: /);
  });

  it('treats a non-UUID id as not found rather than leaking a parse error', async () => {
    const admin = await new Make(t).admin();
    const response = await admin.patch('/users/not-a-uuid', { name: 'x' }).expect(404);
    expect(response.body.message).toBe('Not found');
  });
});
