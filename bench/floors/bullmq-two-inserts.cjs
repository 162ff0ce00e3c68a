// Floor for assignment: a raw BullMQ worker whose job is one transaction of two inserts.
// Written for the bench alone; imports nothing from src/.
//   DATABASE_URL=… REDIS_URL=… QUEUE_PREFIX=… CONCURRENCY=… node bench/floors/bullmq-two-inserts.cjs
// Processes jobs of queue `bench-floor` until stopped.
const { Pool } = require('pg');
const { Worker } = require('bullmq');

const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const connection = {
  host: redis.hostname,
  port: Number(redis.port || 6379),
  maxRetriesPerRequest: null,
};
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });

const worker = new Worker(
  'bench-floor',
  async (job) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO bench_pairs (set_id, slot) VALUES ($1, 1)', [job.data.setId]);
      await client.query('INSERT INTO bench_pairs (set_id, slot) VALUES ($1, 2)', [job.data.setId]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  },
  { connection, prefix: process.env.QUEUE_PREFIX, concurrency: Number(process.env.CONCURRENCY) },
);
worker.on('ready', () => console.log('ready'));
process.on('SIGTERM', () => {
  void worker.close().then(() => pool.end().then(() => process.exit(0)));
});
