import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics.registry';
import { methodLabel, routeTemplate } from './route-template';

const LABELS = ['method', 'route', 'status'] as const;

/** Status label of a request whose client went away before the answer was sent (as nginx). */
const CLIENT_CLOSED = '499';

/** Request counts and latencies by method, route template and status. */
@Injectable()
export class HttpMetrics {
  private readonly requests: Counter<(typeof LABELS)[number]>;
  private readonly duration: Histogram<(typeof LABELS)[number]>;

  constructor(metrics: MetricsRegistry) {
    this.requests = new Counter({
      name: 'salt_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: LABELS,
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'salt_http_request_duration_seconds',
      help: 'Time from a request arriving to its answer being sent, by method, route template and status',
      labelNames: LABELS,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
  }

  /** Express middleware, mounted before every route so that it sees every request. */
  middleware(): RequestHandler {
    return (request: Request, response: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      response.once('close', () => {
        const labels = {
          method: methodLabel(request.method),
          // Read when the answer is done: only then has routing named the route.
          route: routeTemplate(request, response),
          status: response.writableFinished ? String(response.statusCode) : CLIENT_CLOSED,
        };
        this.requests.inc(labels);
        this.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    };
  }
}
