import { createOutboundAgent, DestinationPolicy } from '@ferry/platform/net';
import { createOutboundFetch } from './outbound-fetch';
import { ProviderError } from './provider-error';
import { createStreamingTransport } from './streaming-transport';

describe('requests the transports refuse before any connection', () => {
  const policy = new DestinationPolicy({ allow: ['127.0.0.1'] });
  const agent = createOutboundAgent(policy);
  afterAll(() => agent.destroy());
  const secret = 'Bearer secret-token\r\nx-injected: 1';

  it('refuses a header value with a line break without quoting it (streaming transport)', async () => {
    const transport = createStreamingTransport({ policy, agent });
    const err = await transport({
      method: 'GET',
      url: 'https://127.0.0.1:9/x',
      headers: { authorization: secret },
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe('invalid-input');
    expect((err as ProviderError).message).not.toContain('secret');
    expect((err as ProviderError).message).not.toContain('authorization');
  });

  it('refuses a header value with a line break without quoting it (outbound fetch)', async () => {
    const fetch = createOutboundFetch({ policy, agent });
    const err = await fetch('https://127.0.0.1:9/x', { headers: [['authorization', secret]] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe('invalid-input');
    expect((err as ProviderError).message).not.toContain('secret');
  });
});
