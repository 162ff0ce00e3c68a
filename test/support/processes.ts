import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

const ROOT = join(__dirname, '..', '..');

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The run's build directory, shared by every test file; global teardown removes it. */
export function buildDir(): string {
  return join(ROOT, 'tmp', `build-${process.env.SALT_TEST_RUN ?? `adhoc-${process.pid}`}`);
}

/**
 * Compiles the server as `npm run build` would and returns its main.js. The first test file to
 * ask builds (holding a lock directory); the others wait for it, so a run compiles once.
 */
export function buildServer(): string {
  const outDir = buildDir();
  const built = join(outDir, '.built');
  const failed = join(outDir, '.failed');
  // Inside the repo, so the build resolves node_modules like the real dist/ does.
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  let owner: boolean;
  try {
    mkdirSync(`${outDir}.lock`);
    owner = true;
  } catch {
    owner = false;
  }
  if (owner) {
    try {
      execFileSync(
        process.execPath,
        [
          join(ROOT, 'node_modules/typescript/bin/tsc'),
          '-p',
          'tsconfig.build.json',
          '--outDir',
          outDir,
        ],
        { cwd: ROOT, stdio: 'pipe' },
      );
      writeFileSync(built, '');
    } catch (error) {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(failed, String(error));
      throw error;
    }
  } else {
    const deadline = Date.now() + 5 * 60_000;
    while (!existsSync(built)) {
      if (existsSync(failed)) throw new Error(`the shared server build failed`);
      if (Date.now() > deadline) throw new Error('timed out waiting for the shared server build');
      sleepSync(200);
    }
  }
  return join(outDir, 'main.js');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  signal: () => NodeJS.Signals | null;
}

export function spawnNode(script: string, env: Record<string, string>): Spawned {
  let output = '';
  let signal: NodeJS.Signals | null = null;
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, exitSignal) => {
      signal = exitSignal;
      resolve(code);
    }),
  );
  return { child, output: () => output, exited, signal: () => signal };
}

/** A throwaway redis-server on a free port, for tests that stop or flush Redis. */
export async function startThrowawayRedis(): Promise<{
  url: string;
  port: number;
  stop: () => Promise<void>;
}> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'salt-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await waitFor(async () => {
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }, 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
