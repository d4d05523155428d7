import { type INestApplication, type InjectionToken, Module, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo, Server } from 'node:net';
import { HealthModule } from '../health.module';
import type { HealthModuleOptions } from '../health-module.options';
import { RecordingLogger } from '@ferry/platform/testing';

/** A Nest app with HealthModule, listening on 127.0.0.1 with an ephemeral port. */
export interface RunningHealthApp {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly logger: RecordingLogger;
  /** GET a path and read the JSON answer. */
  get(path: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
}

/** What the app is built from: dependency providers (in a module of their own) and health options. */
export interface HealthAppSetup extends HealthModuleOptions {
  readonly providers?: readonly Provider[];
  /** Further feature modules of the app. */
  readonly imports?: readonly Type<unknown>[];
  readonly probes?: readonly InjectionToken[];
}

/** Builds the app module and module for the dependencies, as a service's app.module.ts would. */
export function healthAppModule(setup: HealthAppSetup): new () => unknown {
  const { providers = [], imports = [], ...options } = setup;
  @Module({ providers: [...providers] })
  class DependenciesModule {}

  @Module({ imports: [DependenciesModule, ...imports, HealthModule.forRoot(options)] })
  class AppModule {}
  return AppModule;
}

/** Starts the app and returns a way to call it over real HTTP. */
export async function startHealthApp(setup: HealthAppSetup): Promise<RunningHealthApp> {
  const logger = new RecordingLogger();
  const app = await NestFactory.create(healthAppModule(setup), { logger, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return { app, baseUrl, logger, get: (path) => getJson(`${baseUrl}${path}`) };
}

/** GET a URL and parse its JSON body. */
export async function getJson(
  url: string,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}
