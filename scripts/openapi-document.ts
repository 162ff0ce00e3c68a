/**
 * Writes the API's OpenAPI document (docs/openapi.json) and the TypeScript types generated from
 * it by openapi-typescript (web/src/openapi-types.ts: the web app's API types, which the contract
 * tests' typed client also uses), without a database, Redis or a running server: Nest's preview mode builds the module graph and the routes but instantiates
 * no provider, so nothing connects. The document is the one /api/docs-json serves (the same
 * openApiDocument function). Both files are formatted by prettier so `format:check` accepts them.
 *
 *   npm run openapi:types     write both
 *   npm run lint:openapi      fail when either is stale (`--check`), then lint the document
 *
 * `--root <dir>` reads and writes the two files under another checkout instead of this one; the
 * freshness test checks a scratch copy with it, so it never touches the committed files.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { AppModule } from '../src/app.module';
import { openApiDocument, setApiPrefix } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';

const ROOT = join(__dirname, '..');
export const OPENAPI_DOCUMENT_FILE = join('docs', 'openapi.json');
export const OPENAPI_TYPES_FILE = join('web', 'src', 'openapi-types.ts');
const OPENAPI_DOCUMENT_PATH = join(ROOT, OPENAPI_DOCUMENT_FILE);
const OPENAPI_TYPES_PATH = join(ROOT, OPENAPI_TYPES_FILE);

/** Formatted as `prettier --write` would format the file at that path. */
async function formatAs(path: string, source: string): Promise<string> {
  return format(source, { ...(await resolveConfig(path)), filepath: path });
}

export async function renderOpenApiDocument(): Promise<string> {
  // Never used to connect: preview mode creates no database, Redis or queue client.
  const config = loadConfig({
    DATABASE_URL: 'postgres://openapi@127.0.0.1:1/none',
    REDIS_URL: 'redis://127.0.0.1:1',
    STORAGE_DIR: join(ROOT, 'tmp', 'openapi-none'),
    SALT_MIGRATE: 'false',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(AppModule.register(config), {
    preview: true,
    logger: false,
    // Throw a module-graph error so main() prints it; by default Nest exits silently with 1.
    abortOnError: false,
  });
  try {
    setApiPrefix(app);
    const document = openApiDocument(app);
    return await formatAs(OPENAPI_DOCUMENT_PATH, JSON.stringify(document));
  } finally {
    await app.close();
  }
}

/** openapi-typescript's output for a document, as its CLI writes it, formatted by prettier. */
export async function renderOpenApiTypes(document: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'salt-openapi-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), document);
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
        join(dir, 'openapi.json'),
        '--output',
        join(dir, 'openapi-types.ts'),
      ],
      { stdio: 'pipe', encoding: 'utf8' },
    );
    return await formatAs(OPENAPI_TYPES_PATH, readFileSync(join(dir, 'openapi-types.ts'), 'utf8'));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(`openapi-typescript failed: ${stderr ?? String(error)}`, { cause: error });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rootAt = process.argv.indexOf('--root');
  const root = rootAt === -1 ? ROOT : process.argv[rootAt + 1];
  const document = await renderOpenApiDocument();
  const files = [
    [join(root, OPENAPI_DOCUMENT_FILE), document],
    [join(root, OPENAPI_TYPES_FILE), await renderOpenApiTypes(document)],
  ] as const;
  if (process.argv.includes('--check')) {
    const stale = files.filter(
      ([path, fresh]) => !existsSync(path) || readFileSync(path, 'utf8') !== fresh,
    );
    if (stale.length > 0) {
      console.error(
        `${stale.map(([path]) => relative(root, path)).join(' and ')} ` +
          'no longer match the controllers. Run `npm run openapi:types` and commit the result.',
      );
      process.exit(1);
    }
    return;
  }
  for (const [path, fresh] of files) writeFileSync(path, fresh);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
