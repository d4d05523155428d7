import { INTERNAL_SECRET, type RunningTestApp, startTestApp } from './testing/test-app.fixture';

describe('createHttpApp error responses', () => {
  let running: RunningTestApp;

  beforeEach(async () => {
    running = await startTestApp();
  });

  afterEach(async () => {
    await running.app.close();
  });

  it('answers an unexpected error with a bare 500 and logs the error with its stack', async () => {
    const response = await fetch(`${running.baseUrl}/users/alice%40example.com/crash`);
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
    expect(text).not.toContain(INTERNAL_SECRET);
    expect(text).not.toContain('at ');
    const [logged] = running.logger.at('error');
    expect(logged).toContain(
      '500 answering GET /users/:address/crash: Error: connection to postgres://[redacted]@db.internal',
    );
    expect(logged).toContain('test-app.fixture');
  });

  it('masks credentials in the logged error and stack', async () => {
    await fetch(`${running.baseUrl}/users/alice%40example.com/crash`);
    expect(running.logger.entries.map((entry) => entry.text).join('\n')).not.toContain('s3cret-pw');
  });

  it('never logs the request path, which may hold a mail address', async () => {
    await fetch(`${running.baseUrl}/users/alice%40example.com/crash`);
    expect(running.logger.entries.map((entry) => entry.text).join('\n')).not.toMatch(/alice/);
  });

  it('replaces the message of a deliberate 5xx exception with the status text', async () => {
    const response = await fetch(`${running.baseUrl}/unavailable`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Service unavailable',
    });
    expect(running.logger.at('error')[0]).toContain('ServiceUnavailableException');
  });

  it('keeps the Nest shape and message of client errors', async () => {
    const response = await fetch(`${running.baseUrl}/missing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Project not found',
    });
    expect(running.logger.at('error')).toEqual([]);
  });
});
