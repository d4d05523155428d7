import type { SsoTransaction } from '@ferry/identity/application';
import { DecryptionError, SealedValue } from '@ferry/platform/crypto';
import {
  dumpTable,
  openIdentityTestDatabase,
  type IdentityTestDatabase,
} from '../testing/identity-test-database';
import { codeVerifierContext } from './sealed-context';
import { TypeormSsoTransactionRepository } from './typeorm-sso-transaction.repository';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const ORG = '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f';
const PLANTED_VERIFIER = 'planted-pkce-verifier-dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

describe('SSO transaction storage on PostgreSQL', () => {
  let t: IdentityTestDatabase;
  let repo: TypeormSsoTransactionRepository;
  let replica: TypeormSsoTransactionRepository;

  beforeAll(async () => {
    t = await openIdentityTestDatabase('identity_sso_tx', 2);
    repo = new TypeormSsoTransactionRepository(t.db, t.cipher);
    replica = new TypeormSsoTransactionRepository(t.sources[1]!, t.cipher);
  });
  afterAll(async () => {
    await t.close();
  });

  const flow = (stateHash: string, overrides: Partial<SsoTransaction> = {}): SsoTransaction => ({
    stateHash,
    bindingHash: 'b'.repeat(64),
    orgId: ORG,
    provider: 'entra',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    nonce: 'n-0123456789',
    codeVerifier: PLANTED_VERIFIER,
    expiresAt: later(10 * 60_000),
    ...overrides,
  });

  it('hands a live transaction out once', async () => {
    const tx = flow('state-1');
    await repo.insert(tx);
    await expect(repo.take('state-1', NOW)).resolves.toEqual(tx);
    await expect(repo.take('state-1', NOW)).resolves.toBeNull();
  });

  it('keeps a Google flow without tenant', async () => {
    const tx = flow('state-google', { provider: 'google', tenantId: null });
    await repo.insert(tx);
    await expect(repo.take('state-google', NOW)).resolves.toEqual(tx);
  });

  it('gives a transaction to only one of several concurrent takers', async () => {
    await repo.insert(flow('state-race'));
    const taken = await Promise.all([repo, replica, repo, replica].map((r) => r.take('state-race', NOW)));
    expect(taken.filter((x) => x !== null)).toHaveLength(1);
  });

  it('does not return an expired transaction', async () => {
    await repo.insert(flow('state-old', { expiresAt: later(1000) }));
    await expect(repo.take('state-old', later(1000))).resolves.toBeNull();
    await expect(repo.take('state-old', NOW)).resolves.toBeNull();
  });

  it('stores the PKCE verifier sealed, bound to its state', async () => {
    await repo.insert(flow('state-sealed'));
    await repo.insert(flow('state-other'));
    expect(await dumpTable(t.db, 'sso_transactions')).not.toContain(PLANTED_VERIFIER);
    const [row] = await t.db.query<{ code_verifier_sealed: string }[]>(
      "SELECT code_verifier_sealed FROM identity.sso_transactions WHERE state_hash = 'state-sealed'",
    );
    const sealed = SealedValue.parse(row!.code_verifier_sealed);
    await expect(t.cipher.open(sealed, codeVerifierContext('state-other', ORG))).rejects.toBeInstanceOf(
      DecryptionError,
    );
    // Copied onto another flow's row, it fails to open when that flow is taken.
    await t.db.query(
      "UPDATE identity.sso_transactions SET code_verifier_sealed = $1 WHERE state_hash = 'state-other'",
      [row!.code_verifier_sealed],
    );
    await expect(repo.take('state-other', NOW)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('purges expired transactions only', async () => {
    await repo.insert(flow('state-p1', { expiresAt: later(10) }));
    await repo.insert(flow('state-p2'));
    await expect(repo.purgeExpired(later(60_000))).resolves.toBeGreaterThanOrEqual(1);
    await expect(repo.take('state-p2', NOW)).resolves.not.toBeNull();
  });
});
