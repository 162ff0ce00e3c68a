import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { freePort, waitFor } from '../support/processes';

const run = promisify(execFile);

export interface RedisCluster {
  /** `127.0.0.1:port` of each master, for REDIS_CLUSTER_NODES. */
  nodes: string[];
  ports: number[];
  output: () => string;
  stop: () => Promise<void>;
}

async function answers(port: number, command: string[], expected: RegExp): Promise<boolean> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    const reply = await probe.call(command[0], ...command.slice(1));
    return expected.test(String(reply));
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * A throwaway Redis Cluster of `masters` masters (no replicas) on free local ports, in its own
 * temporary directory, built the way an operator would: cluster-enabled redis-servers joined by
 * `redis-cli --cluster create`. It never touches the shared Redis.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'salt-redis-cluster-'));
  const ports: number[] = [];
  const busPorts: number[] = [];
  // Each node also needs a cluster-bus port; by default port + 10000, which a high free port
  // could push past 65535, so both are chosen free and the bus port is given explicitly.
  while (ports.length < masters) {
    const [port, bus] = [await freePort(), await freePort()];
    if (port === bus || [...ports, ...busPorts].some((p) => p === port || p === bus)) continue;
    ports.push(port);
    busPorts.push(bus);
  }
  let output = '';
  const children: ChildProcess[] = ports.map((port, index) => {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-port',
        String(busPorts[index]),
        '--cluster-node-timeout',
        '5000',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return child;
  });
  const exited = children.map(
    (child) => new Promise<void>((resolve) => child.on('exit', () => resolve())),
  );
  const stop = async (): Promise<void> => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(exited);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(() => answers(port, ['PING'], /^PONG$/), 10_000);
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    await run(
      'redis-cli',
      ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: 30_000 },
    );
    for (const port of ports) {
      await waitFor(() => answers(port, ['CLUSTER', 'INFO'], /cluster_state:ok/), 30_000, 200);
    }
    return { nodes, ports, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`the Redis Cluster did not start: ${String(error)}\n${output}`, {
      cause: error,
    });
  }
}
