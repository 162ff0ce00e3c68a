import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { runMigrations } from './migrate';

async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-properties -- the CLI entry point reads the environment once
  const config = loadConfig(process.env);
  // Only the URL: migrations run without the app's statement timeouts.
  const dataSource = new DataSource(dataSourceOptions({ databaseUrl: config.databaseUrl }));
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource, { appRole: config.appDbRole });
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
    if (config.appDbRole) console.log(`granted the app's privileges to ${config.appDbRole}`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
