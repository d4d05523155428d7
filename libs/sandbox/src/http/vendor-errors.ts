import { VendorError } from './vendor-error';

/**
 * Error bodies in each service's documented shape. Graph: `{ error: { code, message, innerError } }`
 * (the server adds `innerError` with the request id). Google JSON APIs: `{ error: { code, message,
 * errors: [{ message, domain, reason }], status } }`. OAuth 2.0 token endpoints: RFC 6749 section 5.2.
 */
export function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): VendorError {
  return new VendorError(status, { error: { code, message } }, headers);
}

const GOOGLE_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  410: 'FAILED_PRECONDITION',
  412: 'FAILED_PRECONDITION',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export interface GoogleErrorOptions {
  readonly domain?: string;
  readonly location?: string;
  readonly locationType?: string;
  readonly details?: readonly unknown[];
  readonly headers?: Record<string, string>;
}

export function googleError(status: number, reason: string, message: string, options: GoogleErrorOptions = {}): VendorError {
  const item: Record<string, string> = { message, domain: options.domain ?? 'global', reason };
  if (options.location) item['location'] = options.location;
  if (options.locationType) item['locationType'] = options.locationType;
  const error: Record<string, unknown> = { code: status, message, errors: [item], status: GOOGLE_STATUS[status] ?? 'UNKNOWN' };
  if (options.details) error['details'] = options.details;
  return new VendorError(status, { error }, options.headers ?? {});
}

/** An OAuth 2.0 token-endpoint error; Entra adds its AADSTS code list, trace and correlation ids. */
export function oauthError(status: number, error: string, description: string, extra: Record<string, unknown> = {}): VendorError {
  return new VendorError(status, { error, error_description: description, ...extra });
}

export function inspectError(status: number, message: string): VendorError {
  return new VendorError(status, { error: message });
}
