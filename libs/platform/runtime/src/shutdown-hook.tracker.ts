import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';

const SHUTDOWN_HOOKS = ['onModuleDestroy', 'beforeApplicationShutdown', 'onApplicationShutdown'] as const;

/** Names the shutdown hooks still running, e.g. `NatsClient.onModuleDestroy`. */
export type PendingHooks = () => readonly string[];

/**
 * Wraps the shutdown hooks of every instantiated provider, controller and module class so that a
 * shutdown that overruns can say which hook it is waiting for. Call just before `app.close()`.
 */
export function trackShutdownHooks(app: INestApplication): PendingHooks {
  // One entry per running call, so two instances of one class are told apart.
  const pending = new Set<{ readonly label: string }>();
  const wrapped = new WeakSet<object>();
  for (const module of app.get(ModulesContainer, { strict: false }).values()) {
    const wrappers = [
      ...module.providers.values(),
      ...module.controllers.values(),
      ...module.injectables.values(),
    ];
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.isDependencyTreeStatic() ? wrapper.instance : undefined;
      if (typeof instance !== 'object' || instance === null || wrapped.has(instance)) continue;
      wrapped.add(instance);
      wrapHooks(instance as Record<string, unknown>, pending);
    }
  }
  return () => [...pending].map((entry) => entry.label);
}

function wrapHooks(instance: Record<string, unknown>, pending: Set<{ readonly label: string }>): void {
  const owner = (instance.constructor as { name?: string } | undefined)?.name || 'anonymous';
  for (const hook of SHUTDOWN_HOOKS) {
    const original = instance[hook];
    if (typeof original !== 'function') continue;
    const label = `${owner}.${hook}`;
    instance[hook] = async (...args: unknown[]): Promise<unknown> => {
      const entry = { label };
      pending.add(entry);
      try {
        return await (original as (...hookArgs: unknown[]) => unknown).apply(instance, args);
      } finally {
        pending.delete(entry);
      }
    };
  }
}
