#!/usr/bin/env node
// Blinded display images served to raters against express.static serving the same files
// (DESIGN §6: ≥ 0.8× its req/s). 50 clients; every rater fetches the four display renditions of
// their own task over and over (no conditional requests: full bytes every time).
// Usage: npm run build:server && node bench/images.cjs [requests=8000] [clients=50]
require('reflect-metadata');
const { createHash, randomBytes } = require('node:crypto');
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const {
  freePort,
  recordResult,
  startProcess,
  startSaltApi,
  withBenchDatabase,
} = require('./bench-support.cjs');
const { runLoad } = require('./http-load.cjs');
const { secretDigest } = require('../dist/auth/secret-token');
const { scalpImage } = require('../dist/demo/scalp-image');
const { prepareImage } = require('../dist/photo-sets/image-pipeline');

const REQUESTS = Number(process.argv[2] ?? 8000);
const CLIENTS = Number(process.argv[3] ?? 50);
const VIEWS = ['top', 'back', 'left', 'right'];
const API = '/api/v1';

const newKey = () => {
  const id = randomBytes(16).toString('hex');
  return `renditions/${id.slice(0, 2)}/${id}`;
};

/** One set per rater, four views, display renditions made by the app's own image pipeline. */
async function seed(db, storageDir) {
  const renditions = [];
  for (let i = 0; i < VIEWS.length; i++) {
    const prepared = await prepareImage(await scalpImage({ seed: i + 1, coverage: 0.6 }));
    renditions.push(prepared.display.bytes);
  }
  const put = (key, bytes) => {
    mkdirSync(path.join(storageDir, path.dirname(key)), { recursive: true });
    writeFileSync(path.join(storageDir, key), bytes);
  };
  const [{ id: studyId }] = await db.query(
    `INSERT INTO studies (code, title) VALUES ('BENCH', 'Bench') RETURNING id`,
  );
  const clients = [];
  for (let c = 0; c < CLIENTS; c++) {
    const [user] = await db.query(
      `INSERT INTO users (email, name, password_hash, roles)
       VALUES ($1, $2, 'x', '{rater}') RETURNING id`,
      [`rater${c}@bench.test`, `Rater ${c}`],
    );
    await db.query(
      `INSERT INTO study_members (study_id, user_id, roles) VALUES ($1, $2, '{rater}')`,
      [studyId, user.id],
    );
    const token = `ses_${randomBytes(32).toString('base64url')}`;
    await db.query(
      `INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 day')`,
      [user.id, secretDigest(token)],
    );
    const [subject] = await db.query(
      `INSERT INTO subjects (study_id, code) VALUES ($1, $2) RETURNING id`,
      [studyId, `S${c}`],
    );
    const [set] = await db.query(
      `INSERT INTO photo_sets (study_id, subject_id, visit, status)
       VALUES ($1, $2, 'v1', 'reading') RETURNING id`,
      [studyId, subject.id],
    );
    const keys = [];
    for (let v = 0; v < VIEWS.length; v++) {
      const bytes = renditions[v];
      const etag = createHash('sha256').update(bytes).digest('hex');
      const display = newKey();
      put(display, bytes);
      keys.push(display);
      await db.query(
        `INSERT INTO photo_images (photo_set_id, view, status, original_key, original_sha256,
                                   full_key, display_key, thumb_key, width, height, etag,
                                   display_etag, thumb_etag)
         VALUES ($1, $2, 'ready', $3, $4, $5, $5, $5, 640, 480, $4, $4, $4)`,
        [set.id, VIEWS[v], newKey(), etag, display],
      );
    }
    const [task] = await db.query(
      `INSERT INTO read_tasks (photo_set_id, study_id, slot, rater_id, read_code, queue_key)
       VALUES ($1, $2, 1, $3, md5(random()::text), random()) RETURNING id`,
      [set.id, studyId, user.id],
    );
    clients.push({ token, taskId: task.id, keys });
  }
  await db.query('ANALYZE');
  return { clients, bytes: renditions.reduce((sum, b) => sum + b.length, 0) / VIEWS.length };
}

async function main() {
  const storageDir = mkdtempSync(path.join(tmpdir(), 'salt-bench-images-'));
  try {
    await withBenchDatabase('images', async (db, databaseUrl) => {
      const { clients, bytes } = await seed(db, storageDir);
      const port = await freePort();
      const floorServer = await startProcess('floor-static', ['bench/floors/static-images.cjs'], {
        IMAGE_DIR: storageDir,
        PORT: String(port),
      });
      let floor;
      try {
        const next = (client, i) => ({ path: `/${clients[client].keys[i % VIEWS.length]}` });
        const origin = `http://127.0.0.1:${port}`;
        await runLoad({ origin, clients: CLIENTS, total: CLIENTS * 8, next });
        floor = await runLoad({ origin, clients: CLIENTS, total: REQUESTS, next });
      } finally {
        await floorServer.stop();
      }
      const api = await startSaltApi({
        databaseUrl,
        queuePrefix: `salt-bench-images-${process.pid}`,
        storageDir,
      });
      let real;
      try {
        const next = (client, i) => ({
          path: `${API}/reads/${clients[client].taskId}/images/${VIEWS[i % VIEWS.length]}?size=display`,
          headers: { cookie: `salt_session=${clients[client].token}` },
        });
        const expect = (status) => status === 200;
        await runLoad({ origin: api.origin, clients: CLIENTS, total: CLIENTS * 8, next, expect });
        real = await runLoad({
          origin: api.origin,
          clients: CLIENTS,
          total: REQUESTS,
          next,
          expect,
        });
      } finally {
        await api.stop();
      }
      if (Object.keys(real.errors).length)
        throw new Error(`failed: ${JSON.stringify(real.errors)}`);
      console.log(
        `express.static: ${floor.rps.toFixed(0)} req/s (p99 ${floor.p99.toFixed(0)} ms); ` +
          `blinded images: ${real.rps.toFixed(0)} req/s (p99 ${real.p99.toFixed(0)} ms); ` +
          `${(bytes / 1024).toFixed(0)} kB per image`,
      );
      recordResult({
        figure: 'Blinded display images to raters (50 clients)',
        floorName: 'express.static on the same files',
        floor: floor.rps,
        value: real.rps,
        unit: 'req/s',
        ratio: real.rps / floor.rps,
        target: '≥ 0.8× floor',
        pass: real.rps / floor.rps >= 0.8,
        note: `${REQUESTS} requests, ${(bytes / 1024).toFixed(0)} kB display JPEGs; p99 ${real.p99.toFixed(0)} ms (floor ${floor.p99.toFixed(0)} ms)`,
      });
    });
  } finally {
    rmSync(storageDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
