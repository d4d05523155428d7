import { GraphClientError, GraphError } from '@microsoft/microsoft-graph-client';
import { ProviderError } from '@ferry/providers/core';
import { graphProviderError } from './graph-client';

function graphError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): GraphError {
  const error = new GraphError(status, message);
  error.code = code;
  if (headers) error.headers = new Headers(headers);
  return error;
}

describe('graphProviderError', () => {
  it.each([
    [401, 'InvalidAuthenticationToken', 'invalid-credentials'],
    [403, 'Authorization_RequestDenied', 'not-authorized'],
    [404, 'Request_ResourceNotFound', 'provider-error'],
    [503, 'serviceNotAvailable', 'provider-error'],
  ])('maps %i %s to %s, keeping the code and never Graph message', (status, code, mapped) => {
    const error = graphError(status, code, 'Resource adele@contoso.example does not exist');
    const result = graphProviderError(error);
    expect(result).toMatchObject({ code: mapped, details: { status, providerCode: code } });
    expect(result.message).not.toContain('adele@contoso.example');
  });

  it('maps 429 to throttled with the Retry-After header', () => {
    expect(
      graphProviderError(graphError(429, 'TooManyRequests', 'slow down', { 'retry-after': '12' })),
    ).toMatchObject({ code: 'throttled', details: { retryAfterSeconds: 12 } });
  });

  it('hands back the transport ProviderError the Graph client carried', () => {
    const transport = new ProviderError('destination-refused', 'destination "graph.example" refused');
    const carried = new GraphClientError(transport.message);
    carried.customError = transport;
    expect(graphProviderError(carried)).toBe(transport);
  });

  it('reads anything else as a provider error without its text', () => {
    expect(graphProviderError(new Error('socket to adele@contoso.example'))).toEqual(
      new ProviderError('provider-error', 'the Microsoft Graph request failed'),
    );
  });
});
