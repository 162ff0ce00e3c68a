import sharp from 'sharp';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, TestApp } from '../support/test-app';
import { API, Make, MadeUser } from '../support/factories';

const PUBLIC_ORIGIN = 'https://salt.example.org';

describe('cross-site requests and media types', () => {
  let t: TestApp;
  let make: Make;
  let coordinator: MadeUser;
  let studyId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_ORIGIN } });
    make = new Make(t);
    const admin = await make.admin();
    coordinator = await make.coordinator();
    const study = await admin
      .post('/studies', { code: `CS-${Date.now()}`, title: 'Cross-site' })
      .expect(201);
    studyId = study.body.id;
    await admin
      .put(`/studies/${studyId}/members/${coordinator.user.id}`, { roles: ['coordinator'] })
      .expect(200);
  });
  afterAll(() => t.close());

  async function tokenNames(): Promise<string[]> {
    const rows: { name: string }[] = await t.db.query(
      'SELECT name FROM api_tokens WHERE user_id = $1',
      [coordinator.user.id],
    );
    return rows.map((row) => row.name);
  }

  it('refuses a cookie-authenticated write from another origin or site, and changes nothing', async () => {
    const { client } = coordinator;
    const foreign = await client
      .post('/auth/tokens', { name: 'from evil' })
      .set('Origin', 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toMatch(/another origin/);
    const crossSite = await client
      .post('/auth/tokens', { name: 'cross-site' })
      .set('Sec-Fetch-Site', 'cross-site');
    expect(crossSite.status).toBe(403);
    const sameSite = await client
      .delete(`/auth/tokens/${crypto.randomUUID()}`)
      .set('Sec-Fetch-Site', 'same-site');
    expect(sameSite.status).toBe(403);
    // The server's own address is not the public origin when one is configured.
    const direct = await client
      .post('/auth/tokens', { name: 'direct' })
      .set('Origin', `http://127.0.0.1`);
    expect(direct.status).toBe(403);

    const image = await sharp({
      create: { width: 64, height: 48, channels: 3, background: '#c49a7a' },
    })
      .jpeg()
      .toBuffer();
    let upload = client
      .post(`/studies/${studyId}/photo-sets`)
      .set('Origin', 'https://evil.example')
      .field('subjectCode', 'CSRF-1')
      .field('visit', 'baseline');
    for (const view of ['top', 'back', 'left', 'right']) {
      upload = upload.attach(view, image, `${view}.jpg`);
    }
    expect((await upload).status).toBe(403);
    const sets: unknown[] = await t.db.query('SELECT 1 FROM photo_sets WHERE study_id = $1', [
      studyId,
    ]);
    expect(sets).toEqual([]);
    expect(await tokenNames()).toEqual([]);
  });

  it('accepts the same origin, non-browser clients, and reads from anywhere', async () => {
    const { client } = coordinator;
    await client
      .post('/auth/tokens', { name: 'same origin' })
      .set('Origin', PUBLIC_ORIGIN)
      .set('Sec-Fetch-Site', 'same-origin')
      .expect(201);
    const created = await client.post('/auth/tokens', { name: 'no origin' }).expect(201);
    // A script with a Bearer token: browsers never attach one by themselves.
    await t
      .http()
      .delete(`${API}/auth/tokens/${created.body.id}`)
      .set('Authorization', `Bearer ${created.body.token}`)
      .set('Origin', 'https://ci.example')
      .expect(204);
    await client.get('/auth/tokens').set('Origin', 'https://evil.example').expect(200);
    // Signing in is a write too: a login form on another site cannot plant a session.
    await t
      .http()
      .post(`${API}/auth/login`)
      .set('Origin', 'https://evil.example')
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
      .expect(403);
    await t
      .http()
      .post(`${API}/auth/login`)
      .set('Origin', PUBLIC_ORIGIN)
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
      .expect(200);
    expect((await tokenNames()).sort()).toEqual(['no origin', 'same origin']);
  });

  it('accepts only the media type each route consumes (415 otherwise)', async () => {
    const { client } = coordinator;
    const form = await client
      .post('/auth/tokens')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('name=form-post');
    expect(form.status).toBe(415);
    expect(form.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    const text = await client
      .post('/auth/tokens')
      .set('Content-Type', 'text/plain')
      .send('{"name":"text-plain"}');
    expect(text.status).toBe(415);
    const multipart = await client.post('/auth/tokens').field('name', 'multipart');
    expect(multipart.status).toBe(415);
    const jsonUpload = await client.post(`/studies/${studyId}/photo-sets`, {
      subjectCode: 'JSON-1',
      visit: 'baseline',
    });
    expect(jsonUpload.status).toBe(415);
    const loginForm = await t
      .http()
      .post(`${API}/auth/login`)
      .type('form')
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(loginForm.status).toBe(415);
    expect(await tokenNames()).not.toEqual(
      expect.arrayContaining(['form-post', 'text-plain', 'multipart']),
    );
    // A request without a body needs no type.
    await client.post('/auth/logout').expect(204);
  });
});

describe('cross-site requests without PUBLIC_ORIGIN', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('takes the origin a request was addressed to (its Host) as the public one', async () => {
    const admin = await new Make(t).admin();
    await admin
      .post('/auth/tokens', { name: 'same host' })
      .set('Host', 'salt.localhost:8080')
      .set('Origin', 'http://salt.localhost:8080')
      .expect(201);
    for (const origin of ['http://salt.localhost:9090', 'https://salt.localhost:8080']) {
      await admin
        .post('/auth/tokens', { name: 'other port or scheme' })
        .set('Host', 'salt.localhost:8080')
        .set('Origin', origin)
        .expect(403);
    }
  });
});
