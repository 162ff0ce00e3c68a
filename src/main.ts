import 'reflect-metadata';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { createHttpApp, createWorkerContext } from './app.factory';

async function bootstrap(config: AppConfig): Promise<void> {
  if (config.role === 'worker') {
    await createWorkerContext(config);
    return;
  }
  const app = await createHttpApp(config);
  await app.listen(config.port);
}

let config: AppConfig;
try {
  // The one place that reads the environment; everything else receives the typed config.
  // eslint-disable-next-line no-restricted-properties
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`salt-reader: configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

bootstrap(config).catch((error: unknown) => {
  console.error('salt-reader: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
