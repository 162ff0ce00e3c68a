import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DomainMetrics } from './domain-metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsHttp } from './metrics.http';
import { MetricsRegistry } from './metrics.registry';
import { MetricsRepository } from './metrics.repository';
import { MetricsServer } from './metrics.server';
import { MetricsService } from './metrics.service';
import { QueueMetrics } from './queue-metrics';

/**
 * Prometheus metrics through prom-client: HTTP, queues, the reading centre's figures and the
 * process. The HTTP parts are Express handlers that app.factory.ts mounts ahead of the web app;
 * MetricsServer serves METRICS_PORT in any process role. README: "Metrics and the queue
 * dashboard"; docs/operations.md: what to alert on.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    MetricsRegistry,
    HttpMetrics,
    QueueMetrics,
    MetricsRepository,
    DomainMetrics,
    MetricsService,
    MetricsHttp,
    MetricsServer,
  ],
  exports: [HttpMetrics, MetricsHttp],
})
export class MetricsModule {}
