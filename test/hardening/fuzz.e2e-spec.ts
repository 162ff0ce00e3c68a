import fc from 'fast-check';
import request from 'supertest';
import { QueueProducer } from '../../src/queue/queue.producer';
import { ALL_QUEUES } from '../../src/queue/queue-names';
import {
  API,
  ApiClient,
  Make,
  MadeUser,
  studyWithCoordinator,
  waitForStatus,
} from '../support/factories';
import { fourViews, plainJpeg, upload } from '../support/photo-fixtures';
import { waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';
import {
  bodyValue,
  malformedText,
  OpenApiDocument,
  Operation,
  operationsOf,
  paramValue,
  percentEncode,
  resolve,
  toJsonText,
  valid,
} from './fuzz-arbitraries';

/**
 * Generated requests for every operation in the OpenAPI document, sent as every role. The
 * properties: never a 5xx, every error in the one error body, and a 4xx changes no row. Bounded
 * and reproducible: FUZZ_SEED picks the run, FUZZ_RUNS the requests per operation and caller.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 1616);
const RUNS = Number(process.env.FUZZ_RUNS ?? 15);
const REQUEST_TIMEOUT_MS = 15_000;

interface Caller {
  name: string;
  cookie?: string;
}

interface FuzzRequest {
  path: string;
  query: string;
  headers: Record<string, string>;
  body?:
    | { kind: 'json'; contentType: string; text: string }
    | { kind: 'multipart'; fields: [string, string][]; files: [string, Buffer][] };
}

function cookieOf(client: ApiClient): string {
  return client.credential.cookie ?? '';
}

/**
 * Row counts and a hash of every row of every table: any write shows. The audit log's leaves and
 * checkpoints are left out: the sealer appends them in the background for events committed
 * earlier (docs/audit.md), whatever the request under test does.
 */
async function fingerprintQuery(t: TestApp): Promise<string> {
  const tables: { name: string }[] = await t.db.query(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
        AND table_name NOT IN ('schema_migrations', 'audit_leaves', 'audit_checkpoints')
      ORDER BY table_name`,
  );
  return tables
    .map(({ name }) => {
      // A refused sign-in is audited on purpose (DESIGN: failed logins are evidence).
      const where = name === 'audit_events' ? ` WHERE x.action <> 'auth.login-failed'` : '';
      return `SELECT '${name}' AS t, count(*) AS n,
        md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${name}" x${where}`;
    })
    .join(' UNION ALL ');
}

describe('fuzz: every operation, every role', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let fingerprintSql: string;
  const callers: Caller[] = [{ name: 'anonymous' }];
  const knownIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const make = new Make(t);
    const docResponse = await t.http().get('/api/docs-json');
    expect(docResponse.status).toBe(200);
    doc = docResponse.body as OpenApiDocument;
    fingerprintSql = await fingerprintQuery(t);

    // A study with a set in reading, so ids in paths reach real rows, not just 404s.
    const setup = await studyWithCoordinator(make);
    const raters: MadeUser[] = [await make.rater(), await make.rater()];
    const adjudicator = await make.adjudicator();
    const auditor = await make.auditor();
    const victim = await make.rater();
    for (const [member, roles] of [
      [raters[0], ['rater']],
      [raters[1], ['rater']],
      [adjudicator, ['adjudicator']],
      [auditor, ['auditor']],
    ] as const) {
      const put = await setup.admin.put(`/studies/${setup.studyId}/members/${member.user.id}`, {
        roles,
      });
      expect(put.status).toBe(200);
    }
    const other = await setup.admin.post('/studies', {
      code: `FZ-OTHER-${Date.now()}`,
      title: 'x',
    });
    const uploaded = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'FZ-1', visit: 'baseline' },
      await fourViews(),
    );
    expect(uploaded.status).toBe(202);
    const setId = (uploaded.body as { id: string }).id;
    await waitForStatus(t, [setId], (status) => status === 'reading', 30_000);
    const tasks: { id: string }[] = await t.db.query(
      'SELECT id FROM read_tasks WHERE photo_set_id = $1',
      [setId],
    );
    knownIds.push(
      setup.studyId,
      (other.body as { id: string }).id,
      setId,
      victim.user.id,
      ...tasks.map((task) => task.id),
    );
    // The second rater is not a caller, so one task always stays open for the reads routes.
    callers.push(
      { name: 'admin', cookie: cookieOf(setup.admin) },
      { name: 'coordinator', cookie: cookieOf(setup.coordinator.client) },
      { name: 'rater', cookie: cookieOf(raters[0].client) },
      { name: 'adjudicator', cookie: cookieOf(adjudicator.client) },
      { name: 'auditor', cookie: cookieOf(auditor.client) },
    );
  }, 90_000);
  afterAll(() => t.close());

  async function fingerprint(): Promise<string> {
    const rows: { t: string; n: string; h: string }[] = await t.db.query(fingerprintSql);
    return rows.map((row) => `${row.t}:${row.n}:${row.h}`).join('\n');
  }

  /** Jobs a successful write started must finish before the next fingerprint is taken. */
  async function quiescent(): Promise<void> {
    const producer = t.app.get(QueueProducer, { strict: false });
    await waitFor(
      async () => {
        for (const name of ALL_QUEUES) {
          const counts = await producer
            .queue(name)
            .getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
          if (Object.values(counts).some((n) => n > 0)) return false;
        }
        return true;
      },
      15_000,
      25,
    );
  }

  function requestFor(op: Operation): fc.Arbitrary<FuzzRequest> {
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const queryParams = op.parameters.filter((p) => p.in === 'query');
    const headerParams = op.parameters.filter((p) => p.in === 'header');
    const path = fc
      .tuple(...pathParams.map((p) => paramValue(p.schema, doc, knownIds)))
      .map((values) =>
        pathParams.reduce(
          (acc, param, i) => acc.replace(`{${param.name}}`, percentEncode(values[i] ?? '')),
          op.path,
        ),
      );
    const query = fc
      .tuple(
        ...queryParams.map((p) =>
          fc.option(fc.array(paramValue(p.schema, doc, knownIds), { minLength: 1, maxLength: 2 }), {
            nil: undefined,
          }),
        ),
        fc.option(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), {
          nil: undefined,
        }),
      )
      .map((values) => {
        const extra = values.pop() as [string, string] | undefined;
        const pairs: [string, string][] = [];
        queryParams.forEach((param, i) => {
          for (const v of values[i] ?? []) pairs.push([param.name, v]);
        });
        if (extra) pairs.push(extra);
        return pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
      });
    const headers = fc
      .tuple(
        ...headerParams.map(() =>
          fc.option(fc.oneof(fc.uuid(), fc.stringMatching(/^[\x21-\x7e]{0,300}$/)), {
            nil: undefined,
          }),
        ),
      )
      .map(
        (values) =>
          Object.fromEntries(
            headerParams.flatMap((p, i) => (values[i] === undefined ? [] : [[p.name, values[i]]])),
          ) as Record<string, string>,
      );
    return fc.record({ path, query, headers, body: bodyFor(op) });
  }

  function bodyFor(op: Operation): fc.Arbitrary<FuzzRequest['body']> {
    const schema = op.body ? resolve(op.body.schema, doc) : { type: 'object' };
    const json = fc
      .tuple(
        fc.oneof(
          { weight: 6, arbitrary: bodyValue(schema, doc).map(toJsonText) },
          { weight: 1, arbitrary: malformedText },
        ),
        fc.constantFrom(
          'application/json',
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
      )
      .map(([text, contentType]) => ({ kind: 'json' as const, contentType, text }));
    if (op.body?.mediaType !== 'multipart/form-data') {
      return op.body ? json : fc.option(json, { nil: undefined, freq: 2 });
    }
    const props = Object.entries(schema.properties ?? {});
    const binaries = props.filter(([, p]) => resolve(p, doc).format === 'binary').map(([k]) => k);
    const fields = fc
      .record(
        Object.fromEntries(
          props
            .filter(([k]) => !binaries.includes(k))
            .map(([k, p]) => [k, fc.oneof(valid(p, doc), bodyValue({ type: 'string' }, doc))]),
        ),
        { requiredKeys: [] },
      )
      .map((record) =>
        Object.entries(record).map(([k, v]): [string, string] => [
          k,
          typeof v === 'string' ? v : toJsonText(v),
        ]),
      );
    const file = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
      fc.constant(jpeg),
      fc.constant(Buffer.from('PK\x03\x04garbage')),
    );
    const files = fc.array(
      fc.tuple(fc.oneof(fc.constantFrom(...binaries, 'extra'), fc.string({ maxLength: 10 })), file),
      { maxLength: 5 },
    );
    const multipart = fc
      .record({ fields, files })
      .map(({ fields: f, files: fl }) => ({ kind: 'multipart' as const, fields: f, files: fl }));
    return fc.oneof({ weight: 4, arbitrary: multipart }, { weight: 1, arbitrary: json });
  }

  let jpeg: Buffer;
  beforeAll(async () => {
    jpeg = await plainJpeg(64, 48);
  });

  async function send(op: Operation, caller: Caller, req: FuzzRequest): Promise<request.Response> {
    const url = req.query ? `${req.path}?${req.query}` : req.path;
    // Plain supertest, not t.http(): the OpenAPI contract check (test/support/openapi-contract.ts)
    // has its own tests; here only the fuzz properties decide.
    const server = t.app.getHttpServer() as Parameters<typeof request>[0];
    let test = request(server)[op.method](url).timeout(REQUEST_TIMEOUT_MS);
    if (caller.cookie) test = test.set('Cookie', caller.cookie);
    for (const [name, value] of Object.entries(req.headers)) test = test.set(name, value);
    const body = req.body;
    if (body?.kind === 'json') return test.set('Content-Type', body.contentType).send(body.text);
    if (body?.kind === 'multipart') {
      for (const [name, value] of body.fields) test = test.field(name, value);
      for (const [name, bytes] of body.files) test = test.attach(name || 'file', bytes, 'f.jpg');
    }
    return test;
  }

  it('never answers 5xx, always with the error body, and a 4xx changes no row', async () => {
    const operations = operationsOf(doc).filter(
      // Signing out would end the caller's session for every later request.
      (op) => !(op.method === 'post' && op.path === `${API}/auth/logout`),
    );
    expect(operations.length).toBeGreaterThan(30);
    const failures: string[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    let combination = 0;
    for (const op of operations) {
      for (const caller of callers) {
        combination++;
        const property = fc.asyncProperty(requestFor(op), async (req) => {
          const before = await fingerprint();
          const response = await send(op, caller, req);
          sent++;
          const status = response.status;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const where = `${op.method.toUpperCase()} ${req.path}${req.query ? `?${req.query}` : ''}`;
          if (status >= 500) {
            const sentBody = JSON.stringify(req.body ?? null).slice(0, 300);
            throw new Error(`${status} from ${where} with body ${sentBody}`);
          }
          if (status >= 400) {
            expect(response.body).toEqual({
              statusCode: status,
              error: expect.any(String) as string,
              message: expect.anything() as unknown,
              requestId: expect.any(String) as string,
            });
            const after = await fingerprint();
            if (after !== before) throw new Error(`${status} from ${where} changed rows`);
          } else if (op.method !== 'get') {
            await quiescent();
          }
        });
        try {
          await fc.assert(property, {
            seed: SEED + combination,
            numRuns: RUNS,
            endOnFailure: true,
            interruptAfterTimeLimit: 30_000,
          });
        } catch (error) {
          // fast-check's message holds the whole counterexample; the cause says what went wrong.
          const cause = (error as Error).cause;
          const reason = cause instanceof Error ? cause.message : String(error);
          failures.push(
            `${caller.name} ${op.method.toUpperCase()} ${op.path}: ${reason.slice(0, 1500)}`,
          );
        }
      }
    }
    if (process.env.FUZZ_VERBOSE) console.log({ sent, statuses: Object.fromEntries(statuses) });
    expect(sent).toBeGreaterThan(operations.length * callers.length);
    expect(failures).toEqual([]);
  }, 240_000);
});
