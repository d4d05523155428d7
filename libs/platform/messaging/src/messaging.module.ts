import { type DynamicModule, Global, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { MessagingClient } from './messaging.client';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';

/** Closes the client when Nest shuts down. */
class MessagingLifecycle implements OnApplicationShutdown {
  constructor(@Inject(MessagingClient) private readonly client: MessagingClient) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/**
 * Provides the service's MessagingClient. Connecting starts at once in the background, so the
 * service boots (and reports not-ready) while NATS is down.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions | { useFactory: (...deps: never[]) => MessagingOptions; inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[] }): DynamicModule {
    const optionsProvider =
      'useFactory' in options
        ? { provide: MESSAGING_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }
        : { provide: MESSAGING_OPTIONS, useValue: options };
    return {
      module: MessagingModule,
      providers: [
        optionsProvider,
        {
          provide: MessagingClient,
          useFactory: (opts: MessagingOptions) => {
            const client = new MessagingClient(opts);
            // Errors surface through readiness and the waiting log lines; start-up is not blocked.
            client.ready().catch(() => undefined);
            return client;
          },
          inject: [MESSAGING_OPTIONS],
        },
        MessagingLifecycle,
      ],
      exports: [MessagingClient],
    };
  }
}
