import { TLS_CLIENT_DEFAULTS } from './tls-client-defaults';

describe('TLS_CLIENT_DEFAULTS', () => {
  it('requires TLS 1.2+ and certificate validation, and cannot be changed', () => {
    expect(TLS_CLIENT_DEFAULTS).toEqual({ minVersion: 'TLSv1.2', rejectUnauthorized: true });
    expect(Object.isFrozen(TLS_CLIENT_DEFAULTS)).toBe(true);
  });
});
