import { startTestApp, TestApp } from '../support/test-app';

/**
 * JSON bodies must be UTF-8. In UTF-16 a character such as U+2200 is the bytes 00 22, a quote to
 * a byte scanner, so deep nesting could slip past the depth check and overflow the stack (500).
 */
describe('JSON bodies in another charset', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('are refused with 415 before parsing, even when deeply nested', async () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const body = Buffer.from(`{"password":"\u2200","email":${deep}}`, 'utf16le');
    const response = await t
      .http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json; charset=utf-16le')
      .send(body)
      .expect(415);
    expect(response.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    expect(response.body.message).toContain('UTF-8');
  });

  it('are accepted when the charset is UTF-8, spelled either way', async () => {
    for (const charset of ['utf-8', 'UTF-8', '"utf-8"']) {
      await t
        .http()
        .post('/api/v1/auth/login')
        .set('Content-Type', `application/json; charset=${charset}`)
        .send(JSON.stringify({ email: 'nobody@example.org', password: 'not-the-password' }))
        .expect(401);
    }
  });
});
