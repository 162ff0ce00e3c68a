import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Role } from '../../src/users/role';
import { UserView } from '../../src/users/user.entity';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestApp } from './test-app';

export const API = '/api/v1';

/** A signed-in caller: every request carries its session cookie (or bearer token). */
export class ApiClient {
  constructor(
    private readonly t: TestApp,
    readonly credential: { cookie?: string; bearer?: string },
  ) {}

  private authorize(test: request.Test): request.Test {
    if (this.credential.cookie) test.set('Cookie', this.credential.cookie);
    if (this.credential.bearer) test.set('Authorization', `Bearer ${this.credential.bearer}`);
    return test;
  }

  get(path: string): request.Test {
    return this.authorize(this.t.http().get(API + path));
  }
  post(path: string, body?: object): request.Test {
    const test = this.authorize(this.t.http().post(API + path));
    return body === undefined ? test : test.send(body);
  }
  put(path: string, body?: object): request.Test {
    const test = this.authorize(this.t.http().put(API + path));
    return body === undefined ? test : test.send(body);
  }
  patch(path: string, body?: object): request.Test {
    return this.authorize(this.t.http().patch(API + path)).send(body ?? {});
  }
  delete(path: string): request.Test {
    return this.authorize(this.t.http().delete(API + path));
  }
}

export async function login(t: TestApp, email: string, password: string): Promise<ApiClient> {
  const response = await t.http().post(`${API}/auth/login`).send({ email, password });
  if (response.status !== 200) {
    throw new Error(`login ${email} failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  const setCookie = response.headers['set-cookie'] as unknown as string[];
  const cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
  return new ApiClient(t, { cookie });
}

export interface MadeUser {
  user: UserView;
  password: string;
  client: ApiClient;
}

/** Small factories in the spirit of `await make.rater()`; each makes a real account via the API. */
export class Make {
  private adminClient?: Promise<ApiClient>;

  constructor(private readonly t: TestApp) {}

  admin(): Promise<ApiClient> {
    this.adminClient ??= login(this.t, ADMIN_EMAIL, ADMIN_PASSWORD);
    return this.adminClient;
  }

  async user(roles: Role[], name?: string): Promise<MadeUser> {
    const admin = await this.admin();
    const suffix = randomBytes(4).toString('hex');
    const password = `pw-${suffix}-long-enough`;
    const label = name ?? `${roles.join('-') || 'user'} ${suffix}`;
    const response = await admin.post('/users', {
      email: `${roles[0] ?? 'user'}-${suffix}@salt.test`,
      name: label,
      password,
      roles,
    });
    if (response.status !== 201) {
      throw new Error(`creating user failed: ${response.status} ${JSON.stringify(response.body)}`);
    }
    const user = response.body as UserView;
    return { user, password, client: await login(this.t, user.email, password) };
  }

  rater(): Promise<MadeUser> {
    return this.user(['rater']);
  }
  adjudicator(): Promise<MadeUser> {
    return this.user(['adjudicator']);
  }
  coordinator(): Promise<MadeUser> {
    return this.user(['coordinator']);
  }
  auditor(): Promise<MadeUser> {
    return this.user(['auditor']);
  }
}
