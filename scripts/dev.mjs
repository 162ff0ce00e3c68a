#!/usr/bin/env node
// `npm run dev`: the Nest API recompiled and restarted on change, plus Vite's dev server for the
// web app with hot reload. Vite proxies /api to Nest, so the browser sees one origin and the
// SameSite=Strict session cookie works as in production.
//
// Environment: PORT (API, default 3000), SALT_WEB_PORT (Vite, default 5173), plus whatever the
// API needs (DATABASE_URL, REDIS_URL, ...), passed through unchanged.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apiPort = process.env.PORT ?? '3000';
const webPort = process.env.SALT_WEB_PORT ?? '5173';
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const children = [];

function run(name, args, env = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}] `;
  const relay = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) out.write(prefix + line + '\n');
    });
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${prefix}exited (${signal ?? code}); stopping the others`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  const running = () =>
    children.filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of running()) child.kill('SIGTERM');
  // The API shuts down gracefully (HTTP, workers, pools); give it time, then insist.
  const started = Date.now();
  const timer = setInterval(() => {
    const left = running();
    if (left.length === 0 || Date.now() - started > 15_000) {
      for (const child of left) child.kill('SIGKILL');
      clearInterval(timer);
      process.exit(code);
    }
  }, 200);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// A stale dist/main.js would start the old server before the first compile finishes.
rmSync(join(root, 'dist', 'main.js'), { force: true });
run('tsc', [
  bin('typescript', 'bin/tsc'),
  '-w',
  '-p',
  'tsconfig.build.json',
  '--preserveWatchOutput',
]);
while (!existsSync(join(root, 'dist', 'main.js'))) {
  if (stopping) process.exit(1);
  await sleep(300);
}
run('api', ['--watch', '--enable-source-maps', 'dist/main.js'], { PORT: apiPort });
run('web', [bin('vite', 'bin/vite.js'), '--config', 'web/vite.config.ts'], {
  SALT_API_PORT: apiPort,
  SALT_WEB_PORT: webPort,
  VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true',
});
console.log(`salt-reader dev: web app on http://localhost:${webPort}, API on :${apiPort}`);
