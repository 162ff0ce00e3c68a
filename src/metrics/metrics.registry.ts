import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * This process's metrics. A registry of its own rather than prom-client's global one, so two
 * apps in one process (the e2e suite) do not trip over each other's names. The default process
 * metrics (CPU, memory, event-loop lag, GC, handles) keep their standard, unprefixed names, so
 * stock Node.js dashboards work; everything salt-reader adds starts with `salt_`.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
