import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSandboxCa } from './certificate-authority';

jest.setTimeout(30_000);

describe('the sandbox CA on disk', () => {
  it('is created once when several callers race for a new directory, and the server certificate is signed by it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sbx-ca-')), 'state');
    const results = await Promise.all(Array.from({ length: 4 }, () => ensureSandboxCa(dir)));
    expect(new Set(results.map((r) => r.caPem)).size).toBe(1);
    const ca = new X509Certificate(results[0]?.caPem ?? '');
    expect(new X509Certificate(results[0]?.serverCertPem ?? '').verify(ca.publicKey)).toBe(true);
  });

  it('reissues a server certificate that another CA signed', async () => {
    const a = join(mkdtempSync(join(tmpdir(), 'sbx-ca-')), 'a');
    const b = join(mkdtempSync(join(tmpdir(), 'sbx-ca-')), 'b');
    const first = await ensureSandboxCa(a);
    const other = await ensureSandboxCa(b);
    writeFileSync(join(a, 'server.pem'), other.serverCertPem);
    const repaired = await ensureSandboxCa(a);
    expect(new X509Certificate(repaired.serverCertPem).verify(new X509Certificate(first.caPem).publicKey)).toBe(true);
  });
});
