import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { Inject } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ALL_QUEUES, QueueName } from './queue-names';

// @nestjs/bullmq stores the @Processor() options under this metadata key.
const PROCESSOR_METADATA = 'bullmq:processor_metadata';

export function findMissingOrDuplicateHandlers(handled: string[]): string[] {
  const problems: string[] = [];
  for (const queue of ALL_QUEUES) {
    const count = handled.filter((name) => name === (queue as string)).length;
    if (count !== 1) problems.push(`${queue}: ${count} handlers`);
  }
  for (const name of new Set(handled)) {
    if (!ALL_QUEUES.includes(name as QueueName)) problems.push(`${name}: not a known queue`);
  }
  return problems;
}

/**
 * What is wrong with a process's processors: a process that runs workers needs exactly one per
 * queue; an api-only process must have none, or it would consume work it was not sized for.
 */
export function jobHandlerProblems(role: AppConfig['role'], handled: string[]): string[] {
  if (role !== 'api') return findMissingOrDuplicateHandlers(handled);
  return handled.map((name) => `${name}: a handler in an api process`);
}

/**
 * A worker process refuses to start unless every queue has exactly one processor; an api-only
 * process refuses to start with any (WorkersModule must not be loaded there).
 */
@Injectable()
export class JobHandlersCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const handled = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.metatype)
      .filter((metatype): metatype is NonNullable<typeof metatype> => !!metatype)
      .map((metatype) =>
        this.reflector.get<{ name?: string } | undefined>(PROCESSOR_METADATA, metatype),
      )
      .filter((meta): meta is { name?: string } => !!meta)
      .map((meta) => meta.name ?? '');
    const problems = jobHandlerProblems(this.config.role, handled);
    if (problems.length) {
      throw new Error(`job handlers are not one per queue: ${problems.join('; ')}`);
    }
  }
}
