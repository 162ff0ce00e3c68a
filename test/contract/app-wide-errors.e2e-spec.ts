import { API, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The body parser and the media-type check answer before any route runs, so every operation can
 * give their 400, 413 and 415. The test client validates each response against the document:
 * these pass only because the document declares them everywhere.
 */
describe('answers from app-wide middleware are in the contract of every operation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a body sent to a route that takes none is a documented 415', async () => {
    const { client } = await new Make(t).rater();
    const response = await client
      .post('/reads/next')
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(response.status).toBe(415);
    expect(response.body.statusCode).toBe(415);
  });

  it('malformed JSON is a documented 400, even on a route that validates nothing', async () => {
    const admin = await new Make(t).admin();
    const response = await admin
      .post('/auth/logout')
      .set('Content-Type', 'application/json')
      .send('{"not json');
    expect(response.status).toBe(400);
    expect(response.body.statusCode).toBe(400);
  });

  it('a JSON body not in UTF-8 is a documented 415 on a public route', async () => {
    const response = await t
      .http()
      .post(`${API}/auth/logout`)
      .set('Content-Type', 'application/json; charset=utf-16le')
      .send(Buffer.from('{}', 'utf16le'));
    expect(response.status).toBe(415);
  });
});
