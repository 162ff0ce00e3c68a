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
import { HealthService } from './health.service';

/** The paths an api process serves (API_PREFIX, app.factory.ts): one probe fits every role. */
const HEALTH = '/api/v1/health';

/**
 * A worker-only process (SALT_ROLE=worker) has no HTTP server, so with WORKER_HEALTH_PORT set it
 * answers GET /api/v1/health/live, /ready and /health on that port, and nothing else. The
 * answers are HealthService's, the same as an api process gives.
 */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHealthServer.name);
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: HealthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.role === 'worker' ? this.config.workerHealthPort : undefined;
    if (port === undefined) return;
    const server = createServer((request, response) => {
      this.answer(request, response).catch((error: unknown) => {
        this.logger.error({ err: error }, 'a health probe failed');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log({ port }, 'worker health probes listening');
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    let status = 200;
    let body: object;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      status = 405;
      body = { statusCode: 405, error: 'Method Not Allowed', message: 'Only GET' };
    } else if (path === `${HEALTH}/live`) {
      body = this.health.live();
    } else if (path === `${HEALTH}/ready` || path === HEALTH) {
      const report = path === HEALTH ? await this.health.check() : await this.health.ready();
      status = report.status === 'ok' ? 200 : 503;
      body = report;
    } else {
      status = 404;
      body = { statusCode: 404, error: 'Not Found', message: 'Only the health probes are here' };
    }
    response.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : JSON.stringify(body));
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
