import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRICS_PATH, metricsAccess, send } from './metrics.http';
import { MetricsService } from './metrics.service';

/**
 * METRICS_PORT: a listener of its own that answers only GET /metrics, in any process role. It is
 * how a worker-only process (no HTTP server otherwise) shows its job durations, and lets an
 * operator keep metrics on an internal network. METRICS_TOKEN, if set, is asked for here too.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metrics.port;
    if (port === undefined) return;
    const server = createServer((request, response) => this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => resolve());
    });
    this.server = server;
    this.logger.log({ port }, 'metrics listening');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://metrics.invalid').pathname;
    if (path !== METRICS_PATH || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.statusCode = 404;
      response.end();
      return;
    }
    const access = metricsAccess(this.config.metrics.token, request.headers.authorization, false);
    if (access !== 'served') {
      response.statusCode = 401;
      response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      response.end();
      return;
    }
    this.metrics.render().then(
      (exposition) => send(response, exposition),
      () => {
        response.statusCode = 500;
        response.end();
      },
    );
  }
}
