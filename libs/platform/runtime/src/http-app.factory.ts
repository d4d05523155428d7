import type { LoggerService } from '@nestjs/common';
import { HttpAdapterHost, type IEntryNestModule, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { translateBodyParserErrors } from './body-parser-error.middleware';
import { FORM_MEDIA_TYPE, JSON_MEDIA_TYPES, rejectUnparsedBodies } from './body-type.middleware';
import { HttpErrorFilter } from './http-error.filter';

/** A media type read as UTF-8 text, optionally with its own size limit (else `bodyLimitBytes`). */
export type TextBodyType = string | { readonly type: string; readonly limitBytes: number };

/** Which proxies to believe for client address and protocol, in Express `trust proxy` terms. */
export type TrustProxy = boolean | number | string | readonly string[];

/** How a Ferry HTTP listener is hardened. */
export interface HttpAppOptions {
  /** Receives Nest's own logs and every server fault the app answers. */
  readonly logger: LoggerService;
  /** Largest request body accepted by any parser, in bytes (decoded size). */
  readonly bodyLimitBytes: number;
  /**
   * Media types read as UTF-8 text (same limit) for endpoints that parse them themselves, e.g.
   * `text/xml` for SOAP. JSON and form bodies are always read; any other body is a 415.
   */
  readonly textBodyTypes?: readonly TextBodyType[];
  /** `X-Forwarded-*` is believed only from these proxies. Default `false`: never. */
  readonly trustProxy?: TrustProxy;
  /** Time allowed to receive a whole request, headers and body. Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
  /** Idle keep-alive time; keep it above the ingress' upstream idle timeout. Default 65 000 ms. */
  readonly keepAliveTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Creates the Nest application a Ferry service listens with: helmet headers on every response,
 * JSON/form parsers bounded by `bodyLimitBytes` (Nest's own parser off), 415 for bodies nothing
 * parses, one exception filter that never sends internals, and no `x-powered-by`.
 * @throws Error when an option is out of range.
 */
export async function createHttpApp(
  module: IEntryNestModule,
  options: HttpAppOptions,
): Promise<NestExpressApplication> {
  const settings = validate(options);
  // abortOnError: false makes a wiring failure a rejected promise that main.ts logs, not a core dump.
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: options.logger,
    bodyParser: false,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.set(
    'trust proxy',
    typeof settings.trustProxy === 'object' ? [...settings.trustProxy] : settings.trustProxy,
  );
  app.use(helmet());
  app.use(rejectUnparsedBodies([...JSON_MEDIA_TYPES, FORM_MEDIA_TYPE, ...settings.textBodyTypes.map((t) => t.type)]));
  const limit = settings.bodyLimitBytes;
  app.useBodyParser('json', { limit, type: [...JSON_MEDIA_TYPES] });
  // Flat forms only: nested qs objects are a parser-complexity risk no Ferry endpoint needs.
  app.useBodyParser('urlencoded', { limit, type: FORM_MEDIA_TYPE, extended: false });
  // One parser per text type, so e.g. a CSV upload may be larger than any JSON body.
  for (const text of settings.textBodyTypes) app.useBodyParser('text', { limit: text.limitBytes, type: text.type });
  app.use(translateBodyParserErrors(limit));
  app.useGlobalFilters(new HttpErrorFilter(app.get(HttpAdapterHost).httpAdapter, options.logger));
  const server = app.getHttpServer();
  server.requestTimeout = settings.requestTimeoutMs;
  server.headersTimeout = Math.min(server.headersTimeout, settings.requestTimeoutMs);
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  return app;
}

interface Settings {
  readonly bodyLimitBytes: number;
  readonly textBodyTypes: readonly { readonly type: string; readonly limitBytes: number }[];
  readonly trustProxy: TrustProxy;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

function validate(options: HttpAppOptions): Settings {
  const bodyLimitBytes = positiveInteger('bodyLimitBytes', options.bodyLimitBytes);
  const textBodyTypes = (options.textBodyTypes ?? []).map((entry) => {
    const { type, limitBytes } = typeof entry === 'string' ? { type: entry, limitBytes: bodyLimitBytes } : entry;
    return { type: type.trim().toLowerCase(), limitBytes: positiveInteger(`textBodyTypes limit of ${type}`, limitBytes) };
  });
  const badType = textBodyTypes.find(({ type }) => !/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type));
  if (badType !== undefined)
    throw new Error(
      `createHttpApp: textBodyTypes entries must be exact media types like "text/xml"; got "${badType.type}"`,
    );
  return {
    bodyLimitBytes,
    textBodyTypes,
    trustProxy: options.trustProxy ?? false,
    requestTimeoutMs: positiveInteger(
      'requestTimeoutMs',
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    ),
    keepAliveTimeoutMs: positiveInteger(
      'keepAliveTimeoutMs',
      options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    ),
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`createHttpApp: ${name} must be a positive whole number; got ${String(value)}`);
  }
  return value;
}
