import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const API = '/api/v1';

type Json = Record<string, unknown>;
interface Operation {
  summary?: string;
  tags?: string[];
  security?: Json[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}
interface Document {
  servers: { url: string }[];
  tags: { name: string; description?: string }[];
  security: Json[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

const ERROR_BODY = { $ref: '#/components/schemas/ErrorBodyDto' };

/** The contract outside tools read (issue 17), as the running app serves it. */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: Document;
  let operations: [string, Operation][];

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http().get('/api/docs-json').expect(200)).body as Document;
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]): [string, Operation] => [
        `${method.toUpperCase()} ${path}`,
        operation,
      ]),
    );
  });
  afterAll(() => t.close());

  it('is the committed docs/openapi.json, which npm run openapi:types writes offline', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'docs', 'openapi.json'), 'utf8'));
    expect(document).toEqual(committed);
  });

  it('passes redocly lint with the recommended ruleset, without a problem', () => {
    const output = execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'),
        'lint',
        'docs/openapi.json',
        '--format',
        'json',
      ],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const report = JSON.parse(output.slice(output.indexOf('{'))) as {
      totals: { errors: number; warnings: number; ignored: number };
    };
    // Nothing is ignored: even GET /health declares the 4xx the app-wide body checks can give.
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it('gives every operation a summary and declared tags', () => {
    const declared = new Map(document.tags.map((tag) => [tag.name, tag.description]));
    expect([...declared.values()].every((description) => Boolean(description))).toBe(true);
    expect(document.servers.length).toBeGreaterThan(0);
    const missing = operations
      .filter(
        ([, operation]) =>
          !operation.summary ||
          !operation.tags?.length ||
          operation.tags.some((tag) => !declared.has(tag)),
      )
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  it('applies the cookie or a bearer token everywhere but the public routes', () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['bearer', 'cookie']);
    expect(document.security).toEqual([{ cookie: [] }, { bearer: [] }]);
    const publicOperations = operations
      .filter(([, operation]) => operation.security !== undefined)
      .map(([name, operation]) => [name, operation.security]);
    expect(publicOperations).toEqual([
      [`POST ${API}/auth/login`, []],
      [`GET ${API}/health`, []],
      [`GET ${API}/health/live`, []],
      [`GET ${API}/health/ready`, []],
    ]);
  });

  it('describes a body for every status, and the shared error body for every error', () => {
    const problems: string[] = [];
    for (const [name, operation] of operations) {
      const statuses = Object.keys(operation.responses);
      if (!statuses.some((status) => status.startsWith('2'))) problems.push(`${name}: no 2xx`);
      for (const [status, response] of Object.entries(operation.responses)) {
        const bodyless = status === '204' || status === '304';
        if (bodyless !== (response.content === undefined)) problems.push(`${name} ${status}`);
        // The health probes answer 503 with their report, which names the dependency down.
        if (Number(status) >= 400 && !name.startsWith(`GET ${API}/health`)) {
          if (
            JSON.stringify(response.content) !==
            JSON.stringify({ 'application/json': { schema: ERROR_BODY } })
          ) {
            problems.push(`${name} ${status}: not the shared error body`);
          }
        }
      }
      const signedIn = operation.security === undefined;
      if (signedIn && !['401', '403'].every((status) => status in operation.responses)) {
        problems.push(`${name}: no 401/403`);
      }
    }
    expect(problems).toEqual([]);
    expect(document.components.schemas.ErrorBodyDto).toMatchObject({
      required: ['statusCode', 'error', 'message', 'requestId'],
    });
  });

  it('declares the 204 of an empty queue next to the task', () => {
    for (const queue of ['reads', 'adjudications']) {
      const responses = document.paths[`${API}/${queue}/next`].post.responses;
      expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '204']));
      expect(responses['200'].content?.['application/json'].schema.$ref).toMatch(/TaskDto$/);
    }
  });

  it('names the media types of images and exports', () => {
    const produces = (path: string) =>
      Object.keys(document.paths[`${API}${path}`].get.responses['200'].content ?? {}).sort();
    for (const image of [
      '/reads/{id}/images/{view}',
      '/adjudications/{id}/images/{view}',
      '/photo-sets/{id}/images/{view}',
    ]) {
      expect(produces(image)).toEqual(['image/jpeg']);
    }
    expect(produces('/studies/{id}/results')).toEqual(['application/json', 'text/csv']);
    expect(produces('/audit/export')).toEqual(['application/x-ndjson', 'text/csv']);
  });

  it('describes the multipart bodies of upload and import, and the timeline path', () => {
    const multipart = (path: string) => {
      const body = document.paths[`${API}${path}`].post.requestBody?.content['multipart/form-data'];
      const ref = String(body?.schema.$ref).split('/').pop()!;
      return document.components.schemas[ref] as {
        properties: Record<string, Json>;
        required: string[];
      };
    };
    const upload = multipart('/studies/{id}/photo-sets');
    expect(Object.keys(upload.properties)).toEqual(
      expect.arrayContaining(['subjectCode', 'visit', 'visitDate', 'top', 'back', 'left', 'right']),
    );
    expect(upload.required.sort()).toEqual([
      'back',
      'left',
      'right',
      'subjectCode',
      'top',
      'visit',
    ]);
    expect(upload.properties.top).toMatchObject({ type: 'string', format: 'binary' });
    expect(multipart('/studies/{id}/imports').properties.archive).toMatchObject({
      format: 'binary',
    });

    const timeline = document.paths[`${API}/audit/entities/{type}/{id}`].get.parameters ?? [];
    expect(
      timeline
        .filter((parameter) => parameter.in === 'path')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['id', 'type']);
  });
});
