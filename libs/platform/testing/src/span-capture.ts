import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Context,
  context,
  type ContextManager,
  propagation,
  ROOT_CONTEXT,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/** Spans recorded in memory, with the global OpenTelemetry API pointed at them. */
export interface SpanCapture {
  readonly provider: BasicTracerProvider;
  readonly exporter: InMemorySpanExporter;
  /** Every span that has ended and been exported so far (after a flush). */
  finished(): Promise<ReadableSpan[]>;
  /** Forgets the spans captured so far. */
  reset(): void;
  /** Shuts the provider down and unregisters the global tracer provider, context manager and propagator. */
  uninstall(): Promise<void>;
}

/** Options for {@link installSpanCapture}. */
export interface SpanCaptureOptions {
  /** Wraps the in-memory exporter, e.g. to put a redacting decorator in front of it. */
  readonly wrapExporter?: (exporter: SpanExporter) => SpanExporter;
}

/**
 * Registers an in-memory tracer provider as the global one, with an AsyncLocalStorage context
 * manager and the W3C trace-context propagator, so code under test that uses `@opentelemetry/api`
 * records real spans. Replaces whatever was registered; call `uninstall()` in `afterEach`/`afterAll`.
 * Not for a process where `startTelemetry` ran: both own the same globals.
 */
export function installSpanCapture(options: SpanCaptureOptions = {}): SpanCapture {
  const exporter = new InMemorySpanExporter();
  const exported = options.wrapExporter ? options.wrapExporter(exporter) : exporter;
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exported)] });
  trace.disable();
  context.disable();
  propagation.disable();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    provider,
    exporter,
    async finished() {
      await provider.forceFlush();
      return exporter.getFinishedSpans();
    },
    reset: () => exporter.reset(),
    async uninstall() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

// The SDK's own manager lives in @opentelemetry/context-async-hooks, which is not a direct dependency.
class AsyncLocalStorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as (...args: unknown[]) => unknown;
    const run = (self: unknown, args: unknown[]) => this.with(ctx, () => fn.apply(self, args));
    return function (this: unknown, ...args: unknown[]) {
      return run(this, args);
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}
