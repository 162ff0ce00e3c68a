import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, waitFor } from '../support/processes';

export interface RestartableRedis {
  url: string;
  port: number;
  /** SIGKILL: the app sees its sockets reset, as in a crash. */
  kill: () => Promise<void>;
  /** A fresh, empty redis-server on the same port (nothing is persisted); no-op while running. */
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

async function answersPing(port: number): Promise<boolean> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * A throwaway redis-server that a test may kill and start again on the same port, so the app's
 * clients reconnect to it by themselves. The shared Redis on 6379 is never touched.
 */
export async function startRestartableRedis(): Promise<RestartableRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'salt-redis-'));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    // A second server could not bind the port, and this handle would lose the running one.
    if (child) return;
    const process = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { cwd: dir, stdio: 'ignore' },
    );
    child = process;
    exited = new Promise<void>((resolve) => process.on('exit', () => resolve()));
    await waitFor(() => answersPing(port), 10_000, 50);
  };
  const kill = async (): Promise<void> => {
    child?.kill('SIGKILL');
    await exited;
    child = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
