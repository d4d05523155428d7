import { ProviderError } from '@ferry/providers/core';
import { type GoogleGrantKind, tokenEndpointError } from './token-error.mapper';

/** The fields of a successful token answer Ferry uses. */
export interface TokenAnswer {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
  /** The granted scopes when Google lists them. */
  readonly scope?: readonly string[];
}

/** Reads a token endpoint answer: a ProviderError for any refusal or malformed body. */
export async function readTokenResponse(response: Response, kind: GoogleGrantKind): Promise<TokenAnswer> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await response.json();
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: judged by status below.
  }
  if (!response.ok) {
    throw tokenEndpointError(kind, {
      status: response.status,
      error: body['error'],
      description: body['error_description'],
      retryAfter: response.headers.get('retry-after'),
    });
  }
  const accessToken = body['access_token'];
  const expiresIn = body['expires_in'];
  if (
    typeof accessToken !== 'string' ||
    accessToken.length === 0 ||
    typeof expiresIn !== 'number' ||
    !(expiresIn > 0)
  ) {
    throw new ProviderError(
      'provider-error',
      'Google token endpoint: the answer has no access token or lifetime',
      { status: response.status },
    );
  }
  const scope = typeof body['scope'] === 'string' ? body['scope'].split(' ').filter(Boolean) : undefined;
  return { accessToken, expiresInSeconds: Math.min(expiresIn, 24 * 3600), ...(scope ? { scope } : {}) };
}
