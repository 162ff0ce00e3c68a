import { API, login, Make } from '../support/factories';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, TestApp } from '../support/test-app';

describe('accounts and sessions', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    // Trust X-Forwarded-For so the throttling tests can come from distinct client addresses.
    t = await startTestApp({ env: { TRUST_PROXY: '1' } });
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('creates the bootstrap admin on first start', async () => {
    const admin = await make.admin();
    const me = await admin.get('/auth/me').expect(200);
    expect(me.body).toEqual({
      id: expect.any(String),
      email: ADMIN_EMAIL,
      name: 'Administrator',
      roles: ['admin'],
    });
  });

  it('sets an httpOnly SameSite=Strict session cookie', async () => {
    const response = await t
      .http()
      .post(`${API}/auth/login`)
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
      .expect(200);
    const cookie = (response.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/^salt_session=ses_/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(response.body.user).not.toHaveProperty('passwordHash');
    // The login is in the audit trail, stamped with this request's id.
    const events: { action: string; request_id: string; actor_name: string }[] = await t.db.query(
      `SELECT action, request_id, actor_name FROM audit_events WHERE request_id = $1`,
      [response.headers['x-request-id']],
    );
    expect(events).toEqual([
      {
        action: 'auth.login',
        request_id: response.headers['x-request-id'],
        actor_name: 'Administrator',
      },
    ]);
  });

  it('answers a wrong password and an unknown email identically, then throttles', async () => {
    const { user } = await make.rater();
    const wrong = await t
      .http()
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', '10.0.0.1')
      .send({ email: user.email, password: 'not-the-password' });
    const unknown = await t
      .http()
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', '10.0.1.1')
      .send({ email: 'nobody@salt.test', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Email or password is incorrect',
      requestId: expect.any(String),
    });

    // Four more failures, each from another address, make five against this account inside
    // the minute; the sixth is refused outright, even with the right password.
    for (let i = 2; i <= 5; i++) {
      await t
        .http()
        .post(`${API}/auth/login`)
        .set('X-Forwarded-For', `10.0.0.${i}`)
        .send({ email: user.email, password: 'nope-nope' })
        .expect(401);
    }
    const sixth = await t
      .http()
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', '10.0.0.6')
      .send({ email: user.email, password: 'nope' });
    expect(sixth.status).toBe(429);
    expect(sixth.body.message).toMatch(/Too many failed sign-ins/);
  });

  it('throttles one address that fails across many accounts', async () => {
    for (let i = 0; i < 5; i++) {
      await t
        .http()
        .post(`${API}/auth/login`)
        .set('X-Forwarded-For', '10.0.9.9')
        .send({ email: `guess-${i}@salt.test`, password: 'guess-guess' })
        .expect(401);
    }
    await t
      .http()
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', '10.0.9.9')
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
      .expect(429);
    // Another address is unaffected.
    await t
      .http()
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', '10.0.9.10')
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
      .expect(200);
  });

  it('forbids a rater from listing users', async () => {
    const { client } = await make.rater();
    const response = await client.get('/users').expect(403);
    expect(response.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
  });

  it('ends the sessions of a deactivated user at once', async () => {
    const { user, client } = await make.rater();
    await client.get('/auth/me').expect(200);
    const admin = await make.admin();
    await admin.patch(`/users/${user.id}`, { active: false }).expect(200);
    await client.get('/auth/me').expect(401);
  });

  it('ends sessions when an admin sets a new password', async () => {
    const { user, client } = await make.rater();
    const admin = await make.admin();
    await admin.patch(`/users/${user.id}`, { password: 'a-brand-new-password' }).expect(200);
    await client.get('/auth/me').expect(401);
    await login(t, user.email, 'a-brand-new-password');
  });

  it('stores no usable token in the sessions table', async () => {
    const response = await t
      .http()
      .post(`${API}/auth/login`)
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
      .expect(200);
    const secret = (response.headers['set-cookie'] as unknown as string[])[0]
      .split(';')[0]
      .split('=')[1];
    const rows: { token_hash: Buffer }[] = await t.db.query('SELECT token_hash FROM sessions');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.token_hash.toString('utf8')).not.toContain(secret);
      // A stored value replayed as a cookie opens nothing.
      await t
        .http()
        .get(`${API}/auth/me`)
        .set('Cookie', `salt_session=${row.token_hash.toString('base64url')}`)
        .expect(401);
    }
    const columns: { column_name: string }[] = await t.db.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'sessions'`,
    );
    expect(columns.map((c) => c.column_name)).not.toContain('token');
  });

  it('rejects unknown fields and lists a message per invalid field', async () => {
    const admin = await make.admin();
    const unknown = await admin
      .post('/users', {
        email: 'x@salt.test',
        name: 'X',
        password: 'long-enough-pass',
        roles: [],
        isRoot: true,
      })
      .expect(400);
    expect(unknown.body.message).toEqual(['property isRoot should not exist']);
    const invalid = await admin
      .post('/users', { email: 'nope', name: '', password: 'x', roles: ['king'] })
      .expect(400);
    expect(invalid.body.message).toEqual(
      expect.arrayContaining([
        'email must be an email',
        'name should not be empty',
        expect.stringMatching(/^each value in roles must be one of/),
      ]),
    );
    const short = await admin
      .post('/users', { email: 'y@salt.test', name: 'Y', password: 'short', roles: ['rater'] })
      .expect(400);
    expect(short.body.message).toEqual(['password must be at least 12 characters long']);
  });

  it('issues API tokens that work once shown, and stop when revoked', async () => {
    const { client } = await make.coordinator();
    const created = await client.post('/auth/tokens', { name: 'script' }).expect(201);
    expect(created.body.token).toMatch(/^sat_/);
    const viaToken = await t
      .http()
      .get(`${API}/auth/me`)
      .set('Authorization', `Bearer ${created.body.token}`)
      .expect(200);
    expect(viaToken.body.roles).toEqual(['coordinator']);
    const listed = await client.get('/auth/tokens').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    await client.delete(`/auth/tokens/${created.body.id}`).expect(204);
    await t
      .http()
      .get(`${API}/auth/me`)
      .set('Authorization', `Bearer ${created.body.token}`)
      .expect(401);
  });

  it('logs out by revoking the session', async () => {
    const { client } = await make.auditor();
    await client.post('/auth/logout').expect(204);
    await client.get('/auth/me').expect(401);
  });

  it('requires sign-in everywhere but public routes', async () => {
    await t.http().get(`${API}/users`).expect(401);
    const health = await t.http().get(`${API}/health`).expect(200);
    expect(health.body).toEqual({ status: 'ok', db: 'up', redis: 'up' });
  });
});
