import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { VerifyRange, VerifyResult } from './audit-verify';

/**
 * Verifying is CPU-bound in Node (parsing rows, canonical JSON, SHA-256) while Postgres has
 * cycles to spare, and every event can be checked against its stored predecessor alone. So a long
 * range is cut into contiguous segments, one worker thread and connection each; the segments'
 * answers combine into exactly what one sequential walk would say.
 */
const MIN_EVENTS_PER_SEGMENT = 100_000;
const MAX_SEGMENTS = 4;

// Worker threads run compiled JavaScript; under ts-jest-style runs (the .ts sources) there is no
// worker file, and verification stays in the calling thread.
const WORKER_SCRIPT = join(__dirname, 'audit-verify.worker.js');

export interface VerifyWorkerInput {
  databaseUrl: string;
  range: VerifyRange;
}

export function verifySegmentsFor(range: VerifyRange): number {
  const events = range.toSeq - range.fromSeq + 1;
  if (events < 2 * MIN_EVENTS_PER_SEGMENT || !existsSync(WORKER_SCRIPT)) return 1;
  return Math.max(
    1,
    Math.min(MAX_SEGMENTS, availableParallelism(), Math.floor(events / MIN_EVENTS_PER_SEGMENT)),
  );
}

/** Contiguous, non-empty segments covering the range, in order. */
export function splitRange(range: VerifyRange, segments: number): VerifyRange[] {
  const events = range.toSeq - range.fromSeq + 1;
  const size = Math.ceil(events / segments);
  const parts: VerifyRange[] = [];
  for (let from = range.fromSeq; from <= range.toSeq; from += size) {
    parts.push({ fromSeq: from, toSeq: Math.min(range.toSeq, from + size - 1) });
  }
  return parts;
}

/**
 * What one walk over the whole range would answer: the first broken segment decides, with the
 * events checked before it; otherwise all are sound and the last segment's hash is the head.
 */
export function combineSegments(range: VerifyRange, results: VerifyResult[]): VerifyResult {
  let checked = 0;
  for (const result of results) {
    if (!result.ok) {
      return {
        ok: false,
        checked: checked + result.checked,
        fromSeq: range.fromSeq,
        toSeq: range.toSeq,
        firstBrokenSeq: result.firstBrokenSeq,
        reason: result.reason,
      };
    }
    checked += result.checked;
  }
  const lastHash = results[results.length - 1]?.lastHash;
  return {
    ok: true,
    checked,
    fromSeq: range.fromSeq,
    toSeq: range.toSeq,
    ...(lastHash ? { lastHash } : {}),
  };
}

export function databaseUrlOf(dataSource: DataSource): string {
  const url = (dataSource.options as { url?: string }).url;
  if (!url) throw new Error('audit verification needs the data source to be configured by URL');
  return url;
}

export async function verifyInWorkers(
  databaseUrl: string,
  range: VerifyRange,
  segments: number,
): Promise<VerifyResult> {
  const workers: Worker[] = [];
  try {
    const results = await Promise.all(
      splitRange(range, segments).map(
        (segment) =>
          new Promise<VerifyResult>((resolve, reject) => {
            const input: VerifyWorkerInput = { databaseUrl, range: segment };
            const worker = new Worker(WORKER_SCRIPT, {
              workerData: input,
              // Every row is garbage once hashed; a nursery that stays in cache measured fastest (8 MB
              // beat both the default and 64 MB).
              resourceLimits: { maxYoungGenerationSizeMb: 8 },
            });
            workers.push(worker);
            worker.once('message', (result: VerifyResult) => resolve(result));
            worker.once('error', reject);
            worker.once('exit', (code) =>
              reject(new Error(`audit verify worker exited with code ${code}`)),
            );
          }),
      ),
    );
    return combineSegments(range, results);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
