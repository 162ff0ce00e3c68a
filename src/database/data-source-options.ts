import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { MIGRATIONS } from './migrations';

/** How much longer than the server's statement timeout the client waits for any answer. */
const CLIENT_GRACE_MS = 1000;

/**
 * With `database` limits (the app's own pool), a hung or blackholed Postgres ends a request in a
 * 503 within seconds: connect and statement timeouts, and a client-side read timeout a little
 * longer than the statement timeout, because a frozen network never delivers the server's own
 * timeout error. Without them (migrations, tests' set-up) statements may run as long as they
 * need: a migration rewriting a large table must not be cut off.
 */
export function dataSourceOptions(
  config: Pick<AppConfig, 'databaseUrl'> & Partial<Pick<AppConfig, 'database'>>,
): DataSourceOptions {
  const limits = config.database;
  return {
    type: 'postgres',
    url: config.databaseUrl,
    // The schema is owned by reviewed migrations, never by entity metadata.
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    extra: limits
      ? {
          max: 20,
          connectionTimeoutMillis: limits.connectTimeoutMs,
          statement_timeout: limits.statementTimeoutMs,
          idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
          query_timeout: limits.statementTimeoutMs + CLIENT_GRACE_MS,
        }
      : { max: 20, connectionTimeoutMillis: 5000 },
    applicationName: 'salt-reader',
  };
}
