import { Client } from 'pg';
import { parentPort, workerData } from 'node:worker_threads';
import { runVerifyTask, VerifyWorkerInput } from './audit-log-verifier';

/** One task of a parallel verification (see audit-log-verifier.ts), on its own connection. */
async function verifyTask({ databaseUrl, snapshot, task }: VerifyWorkerInput): Promise<void> {
  const client = new Client({
    connectionString: databaseUrl,
    application_name: 'salt-reader audit verify',
  });
  await client.connect();
  try {
    parentPort?.postMessage(await runVerifyTask(client, task, snapshot));
  } finally {
    await client.end();
  }
}

void verifyTask(workerData as VerifyWorkerInput);
