import { RouteTable, type Route } from './route';

const route = (method: string, pattern: string, operation: string): Route => ({ vendor: 'graph', method, pattern, operation, handler: () => undefined });

describe('RouteTable', () => {
  const table = new RouteTable();
  table.add(
    route('GET', '/v1.0/users/:user/messages/:id/$value', 'raw'),
    route('GET', '/v1.0/users/:user/messages/:id', 'get'),
    route('GET', '/v1.0/drives/:drive/root:*path', 'path'),
    route('POST', '/v1.0/users/:user/messages', 'create'),
  );

  it('matches parameters, decodes them, and prefers earlier, more specific routes', () => {
    const m = table.match('GET', '/v1.0/users/adele%40contoso.example/messages/AAMk%3D/$value');
    expect(m).toMatchObject({ route: { operation: 'raw' }, params: { user: 'adele@contoso.example', id: 'AAMk=' } });
    expect(table.match('GET', '/v1.0/users/u/messages/m')).toMatchObject({ route: { operation: 'get' } });
  });

  it('captures the rest of a path with *', () => {
    expect(table.match('GET', '/v1.0/drives/d1/root:/a/b%20c.txt:/content')).toMatchObject({ params: { path: '/a/b c.txt:/content' } });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(table.match('DELETE', '/v1.0/users/u/messages')).toBe('methodMismatch');
    expect(table.match('GET', '/v1.0/nothing')).toBeUndefined();
  });

  it('keeps a malformed escape as it is instead of throwing', () => {
    expect(table.match('GET', '/v1.0/users/%E0%A4%A/messages/x')).toMatchObject({ params: { user: '%E0%A4%A' } });
  });

  it('refuses a pre-authenticated route that also declares auth or throttling limits', () => {
    const upload = { ...route('PUT', '/upload/:id', 'upload'), preAuthenticated: true } as const;
    expect(() => new RouteTable().add({ ...upload, limits: ['graph.mailbox'] })).toThrow(/pre-authenticated/);
    expect(() => new RouteTable().add({ ...upload, auth: { kind: 'none' } })).toThrow(/pre-authenticated/);
    const fine = new RouteTable();
    fine.add(upload);
    expect(fine.match('PUT', '/upload/u1')).toMatchObject({ route: { operation: 'upload' } });
  });
});
