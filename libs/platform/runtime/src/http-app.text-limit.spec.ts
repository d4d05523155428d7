import { startTestApp } from './testing/test-app.fixture';

describe('per-type text limits', () => {
  it('lets a text type exceed the JSON limit, stating each limit on 413', async () => {
    const running = await startTestApp({ bodyLimitBytes: 1024, textBodyTypes: [{ type: 'text/csv', limitBytes: 4096 }] });
    try {
      const post = (body: string, type: string) => fetch(`${running.baseUrl}/text`, { method: 'POST', body, headers: { 'content-type': type } });
      expect((await post('a'.repeat(3000), 'text/csv')).status).toBe(201);
      const big = await post('a'.repeat(5000), 'text/csv');
      expect(big.status).toBe(413);
      expect(((await big.json()) as { message: string }).message).toContain('4096');
      const json = await fetch(`${running.baseUrl}/echo`, { method: 'POST', body: JSON.stringify({ p: 'x'.repeat(2000) }), headers: { 'content-type': 'application/json' } });
      expect(json.status).toBe(413);
      expect(((await json.json()) as { message: string }).message).toContain('1024');
    } finally {
      await running.app.close();
    }
  });
});
