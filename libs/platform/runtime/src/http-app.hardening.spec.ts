import { type RunningTestApp, startTestApp } from './testing/test-app.fixture';

describe('createHttpApp hardening', () => {
  let running: RunningTestApp;

  afterEach(async () => {
    await running.app.close();
  });

  it('sends helmet headers and no x-powered-by on successful responses', async () => {
    running = await startTestApp();
    const response = await fetch(`${running.baseUrl}/ok`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('strict-transport-security')).toContain('max-age=');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('sends helmet headers on error responses too', async () => {
    running = await startTestApp();
    const response = await fetch(`${running.baseUrl}/no-such-route`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).not.toBeNull();
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('ignores X-Forwarded-For unless a trusted proxy is configured', async () => {
    running = await startTestApp();
    const response = await fetch(`${running.baseUrl}/ip`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(await response.json()).toEqual({ ip: '127.0.0.1' });
  });

  it('takes the client address from X-Forwarded-For when the proxy is trusted', async () => {
    running = await startTestApp({ trustProxy: 'loopback' });
    const response = await fetch(`${running.baseUrl}/ip`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(await response.json()).toEqual({ ip: '203.0.113.9' });
  });

  it('applies the request and keep-alive timeouts to the server', async () => {
    running = await startTestApp({ requestTimeoutMs: 12_000, keepAliveTimeoutMs: 70_000 });
    const server = running.app.getHttpServer();
    expect(server.requestTimeout).toBe(12_000);
    expect(server.headersTimeout).toBeLessThanOrEqual(12_000);
    expect(server.keepAliveTimeout).toBe(70_000);
  });
});
