import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ServerResponse } from 'node:http';
import { DomainError, notFound } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { bearerMatches } from './metrics-access';
import { Exposition, MetricsService } from './metrics.service';

export const METRICS_PATH = '/metrics';

export type MetricsAccess = 'served' | 'not-served' | 'token-required';

/** Who may read /metrics, the same on the public port and METRICS_PORT. */
export function metricsAccess(
  token: string | undefined,
  authorization: string | undefined,
  tokenRequired: boolean,
): MetricsAccess {
  if (token === undefined) return tokenRequired ? 'not-served' : 'served';
  return bearerMatches(authorization, token) ? 'served' : 'token-required';
}

/**
 * GET /metrics on the public port. Served only to METRICS_TOKEN; without a token it answers 404
 * like any unknown path (a separate METRICS_PORT, if set, is the way in then).
 */
@Injectable()
export class MetricsHttp {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  publicHandler(): RequestHandler {
    return (request: Request, response: Response, next: NextFunction) => {
      const access = metricsAccess(this.config.metrics.token, request.headers.authorization, true);
      if (access === 'not-served') return next(notFound('Not found'));
      if (access === 'token-required') {
        response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return next(new DomainError('unauthenticated', 'A valid metrics token is required'));
      }
      this.metrics.render().then((exposition) => send(response, exposition), next);
    };
  }
}

export function send(response: ServerResponse, exposition: Exposition): void {
  response.statusCode = 200;
  response.setHeader('Content-Type', exposition.contentType);
  response.setHeader('Cache-Control', 'no-store');
  response.end(exposition.body);
}
