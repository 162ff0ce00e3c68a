import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { ConfigError, loadConfig } from '../config/app-config';
import { column, oneRow } from '../database/typed-query';
import { DemoService, describeDemo } from './demo.service';

/**
 * `npm run seed:demo`: creates the demo study (once), then runs the workers until its photo
 * sets are ingested and assigned, so the raters' queues are filled when the server starts.
 */
async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-properties -- the CLI entry point reads the environment once
  const config = { ...loadConfig(process.env), demo: false, role: 'all' as const };
  const context = await NestFactory.createApplicationContext(AppModule.register(config), {
    logger: ['error', 'warn'],
  });
  try {
    const result = await context.get(DemoService).ensureDemo();
    console.log(
      result.created
        ? describeDemo(result)
        : `The demo study already exists (${result.studyId}); nothing was changed.`,
    );
    const db = context.get(DataSource);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { pending } = await oneRow(
        db,
        { pending: column.count() },
        `SELECT count(*) FILTER (WHERE status IN ('processing', 'ready')) AS pending
           FROM photo_sets WHERE id = ANY($1::uuid[])`,
        [result.photoSetIds],
      );
      if (pending === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    console.log('Photo sets ingested and assigned; start the server with `npm start`.');
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
