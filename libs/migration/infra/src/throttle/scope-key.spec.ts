import { scopeStoreKey } from './scope-key';

describe('throttle scope keys', () => {
  const scope = { vendor: 'graph' as const, tenantKey: 'tenant-a', mailboxKey: 'adele@contoso.example' };

  it('are the kind and a hash, KV-safe, with nothing of the scope in them', () => {
    const key = scopeStoreKey('graph.mailbox', scope);
    expect(key).toMatch(/^graph_mailbox\.[0-9a-f]{32}$/);
    expect(key).not.toContain('adele');
    expect(key).not.toContain('tenant-a');
  });

  it('separate mailboxes and kinds, and give a tenant scope one key for all its mailboxes', () => {
    const other = { ...scope, mailboxKey: 'megan@contoso.example' };
    expect(scopeStoreKey('graph.mailbox', scope)).not.toBe(scopeStoreKey('graph.mailbox', other));
    expect(scopeStoreKey('graph.tenant', scope)).toBe(scopeStoreKey('graph.tenant', other));
    expect(scopeStoreKey('graph.tenant', scope)).not.toBe(scopeStoreKey('gmail.project', scope));
    expect(scopeStoreKey('graph.tenant', scope)).not.toBe(scopeStoreKey('graph.tenant', { ...scope, tenantKey: 'tenant-b' }));
  });
});
