import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openApiDocument } from '../../src/app.factory';
import {
  Make,
  MadeUser,
  assign,
  insertReadySet,
  studyWithTeam,
  tasksOf,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/processes';
import { scoreFirstReadTyped } from './typed-client';

const ROOT = join(__dirname, '..', '..');
const PROGRAM = join(__dirname, 'typed-client.ts');

/** `tsc --strict` on the typed program alone; the compiler's output, or '' when it compiles. */
function compileStrict(program: string): string {
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--ignoreConfig',
        '--noEmit',
        '--strict',
        '--module',
        'node20',
        '--moduleResolution',
        'node16',
        '--target',
        'es2023',
        '--lib',
        'es2023',
        '--types',
        'node',
        '--skipLibCheck',
        program,
      ],
      { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' },
    );
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

/** openapi-typescript's CLI, as `npm run openapi:types` runs it. */
function generateTypes(document: unknown, outFile: string): void {
  const input = outFile.replace(/\.ts$/, '.json');
  writeFileSync(input, JSON.stringify(document));
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), input, '--output', outFile],
    { stdio: 'pipe' },
  );
}

describe('a strictly typed client generated from the OpenAPI document', () => {
  let t: TestApp;
  let make: Make;
  let baseUrl: string;
  let scratch: string;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    // Inside the repo, so the scratch program resolves openapi-fetch from node_modules.
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    scratch = mkdtempSync(join(ROOT, 'tmp', 'typed-client-'));
  });
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await t.close();
  });

  it('compiles under tsc --strict against the committed types', () => {
    expect(compileStrict(PROGRAM)).toBe('');
  });

  it('would not compile against a document whose success responses have no schema', () => {
    // The document before issue 17: `{"description": ""}` for 2xx, so data is `never`.
    const document = JSON.parse(JSON.stringify(openApiDocument(t.app))) as {
      paths: Record<string, Record<string, { responses?: Record<string, object> }>>;
    };
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        for (const status of Object.keys(operation.responses ?? {})) {
          if (status.startsWith('2')) operation.responses![status] = { description: '' };
        }
      }
    }
    generateTypes(document, join(scratch, 'openapi-types.ts'));
    copyFileSync(PROGRAM, join(scratch, 'typed-client.ts'));
    const output = compileStrict(join(scratch, 'typed-client.ts'));
    expect(output).toMatch(/Property 'user' does not exist on type 'never'/);
    expect(output).toMatch(/Property 'items' does not exist on type 'never'/);
    expect(output).toMatch(/Property 'salt' does not exist on type 'never'/);
  });

  it('matches the types generated from the running app', () => {
    generateTypes(openApiDocument(t.app), join(scratch, 'fresh-types.ts'));
    const fresh = execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--stdin-filepath', PROGRAM],
      { input: readFileSync(join(scratch, 'fresh-types.ts')), encoding: 'utf8' },
    );
    expect(fresh).toBe(readFileSync(join(ROOT, 'web', 'src', 'openapi-types.ts'), 'utf8'));
  });

  it('signs a rater in, lists their reads and submits a score against the real app', async () => {
    const { study, raters } = await studyWithTeam(make, { raters: 2, adjudicators: 0 });
    const set = await insertReadySet(t, study.id, 'TYPED-1', 'baseline');
    await assign(t, [set.id]);
    await waitFor(async () => (await tasksOf(t, [set.id])).length === 2, 20_000);
    const rater: MadeUser = raters[0];

    const outcome = await scoreFirstReadTyped(baseUrl, rater.user.email, rater.password, {
      top: 50,
      back: 25,
      left: 10,
      right: 80,
    });

    const [task] = (await tasksOf(t, [set.id])).filter((row) => row.raterId === rater.user.id);
    expect(outcome).toEqual({
      userId: rater.user.id,
      roles: ['rater'],
      openBefore: 1,
      readCode: task.readCode,
      // DESIGN §2 test vector: 50/25/10/80 → 42.2.
      salt: 42.2,
      submittedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      openAfter: 0,
    });
    expect(task.status).toBe('submitted');
  });
});
