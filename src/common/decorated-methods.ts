import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

export interface DecoratedMethod<M> {
  /** `ClassName.method`, for logs and error messages. */
  name: string;
  /** What the decorator stored on the method. */
  metadata: M;
  call: (...args: unknown[]) => Promise<unknown>;
}

/**
 * Every method of every provider in the application that carries `metadataKey`, in module order
 * (how @nestjs/event-emitter finds @OnEvent). Request-scoped providers are skipped: there is no
 * instance to call at start-up.
 */
export function findDecoratedMethods<M>(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
  metadataKey: string,
): DecoratedMethod<M>[] {
  const found: DecoratedMethod<M>[] = [];
  const seen = new Set<unknown>();
  for (const wrapper of discovery.getProviders()) {
    const instance: unknown = wrapper.instance;
    if (!wrapper.isDependencyTreeStatic() || !instance || typeof instance !== 'object') continue;
    // A provider re-exported through several modules is one instance: visit it once.
    if (seen.has(instance)) continue;
    seen.add(instance);
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const method of scanner.getAllMethodNames(prototype)) {
      const fn = (instance as Record<string, unknown>)[method];
      if (typeof fn !== 'function') continue;
      const metadata = reflector.get<M | undefined>(metadataKey, fn);
      if (metadata === undefined) continue;
      found.push({
        name: `${instance.constructor.name}.${method}`,
        metadata,
        call: (...args) => (fn as (...a: unknown[]) => Promise<unknown>).apply(instance, args),
      });
    }
  }
  return found;
}
