import { Client } from 'pg';
import { parentPort, workerData } from 'node:worker_threads';
import { pgChainReader } from './audit-chain-reader';
import { verifyChain } from './audit-verify';
import { VerifyWorkerInput } from './audit-verify-parallel';

/** One segment of a parallel verification (see audit-verify-parallel.ts), on its own connection. */
async function verifySegment({ databaseUrl, range }: VerifyWorkerInput): Promise<void> {
  const client = new Client({
    connectionString: databaseUrl,
    application_name: 'salt-reader audit verify',
  });
  await client.connect();
  try {
    const reader = await pgChainReader(client);
    const result = await verifyChain(reader, range);
    await reader.release();
    parentPort?.postMessage(result);
  } finally {
    await client.end();
  }
}

void verifySegment(workerData as VerifyWorkerInput);
