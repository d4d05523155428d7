import { createHash, createHmac } from 'node:crypto';
import type { Connector, MicrosoftSettings } from '@ferry/connectors/domain';
import { type DelegatedGrant, ProviderError } from '@ferry/providers/core';
import type { CallerInfo } from '../caller';
import type { BeforeCommit, Clock, ConnectorAuditEntry, ConnectorAuditTrail, ConnectorRepository, Fingerprinter, SecretInput, SecretVault, TokenSource } from '../connector.ports';
import type { ConsentActivation, ConsentSignIn, DelegationProvider, InstallationApp, OnboardingStore, OnboardingTransaction, SpendOutcome } from './onboarding.ports';

// In-memory stand-ins for the onboarding use cases' ports (unit tests only; the real adapters are
// exercised by libs/connectors/infra's service tests).

export const ORG = '5a1e0c2d-7b3f-4d6e-9a8b-1c2d3e4f5a6b';
export const OTHER_ORG = '6b2f1d3e-8c4a-4e7f-8b9c-2d3e4f5a6b7c';
export const TENANT = '8d3c2b1a-0f9e-4d8c-9b7a-6f5e4d3c2b1a';
export const APP_CLIENT_ID = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9';
export const CALLER: CallerInfo = { accountId: 'acct-admin', sourceAddress: '192.0.2.1', userAgent: 'jest' };
export const SOURCE = { sourceAddress: '198.51.100.7', userAgent: 'browser' };

export class FakeClock implements Clock {
  constructor(public time = new Date('2026-03-01T10:00:00Z')) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time = new Date(this.time.getTime() + ms);
  }
}

export class RecordingAudit implements ConnectorAuditTrail {
  readonly entries: ConnectorAuditEntry[] = [];
  failing = false;
  async record(entry: ConnectorAuditEntry): Promise<void> {
    if (this.failing) throw new Error('audit stream down');
    this.entries.push(entry);
  }
  actions(): string[] {
    return this.entries.map((e) => `${e.action}:${e.outcome}`);
  }
}

export class MemoryConnectors implements ConnectorRepository {
  readonly rows = new Map<string, Connector>();
  async insert(connector: Connector, _secrets: readonly SecretInput[], beforeCommit: BeforeCommit): Promise<void> {
    await beforeCommit();
    this.rows.set(connector.id, connector);
  }
  async get(orgId: string, id: string): Promise<Connector | null> {
    const c = this.rows.get(id);
    return c && c.orgId === orgId ? c : null;
  }
  async list(orgId: string): Promise<Connector[]> {
    return [...this.rows.values()].filter((c) => c.orgId === orgId);
  }
  async listByProject(orgId: string, tag: string): Promise<Connector[]> {
    return (await this.list(orgId)).filter((c) => c.projectTag === tag);
  }
  async update(next: Connector, expectedVersion: number, beforeCommit: BeforeCommit): Promise<boolean> {
    const current = this.rows.get(next.id);
    if (!current || current.orgId !== next.orgId || current.version !== expectedVersion) return false;
    await beforeCommit();
    this.rows.set(next.id, next);
    return true;
  }
  async delete(orgId: string, id: string): Promise<number | null> {
    return (await this.get(orgId, id)) && this.rows.delete(id) ? 0 : null;
  }
}

/** Spends like the SQL store: one check-and-set, the verifier dropped once spent. */
export class MemoryOnboardingStore implements OnboardingStore {
  readonly rows = new Map<string, OnboardingTransaction & { spent: boolean }>();
  constructor(
    private readonly connectors: MemoryConnectors,
    /** Tenants other organisations hold. */
    readonly heldElsewhere = new Set<string>(),
  ) {}
  async insert(transaction: OnboardingTransaction): Promise<void> {
    this.rows.set(transaction.stateHash, { ...transaction, spent: false });
  }
  async insertWithConnector(connector: Connector, transaction: OnboardingTransaction, beforeCommit: BeforeCommit): Promise<void> {
    await beforeCommit();
    this.connectors.rows.set(connector.id, connector);
    await this.insert(transaction);
  }
  async spend(stateHash: string, now: Date): Promise<SpendOutcome> {
    const row = this.rows.get(stateHash);
    if (!row) return { status: 'unknown' };
    const { spent, ...transaction } = row;
    if (spent) return { status: 'replayed', transaction: { ...transaction, codeVerifier: null } };
    if (row.expiresAt.getTime() <= now.getTime()) return { status: 'expired', transaction: { ...transaction, codeVerifier: null } };
    this.rows.set(stateHash, { ...row, spent: true, codeVerifier: null });
    return { status: 'spent', transaction };
  }
  async purgeExpired(now: Date): Promise<number> {
    let n = 0;
    for (const [k, v] of this.rows) if (v.expiresAt.getTime() < now.getTime() - 86_400_000 && this.rows.delete(k)) n++;
    return n;
  }
  async tenantHeldElsewhere(orgId: string, tenantId: string): Promise<boolean> {
    return this.heldElsewhere.has(tenantId) || this.holders(tenantId).some((org) => org !== orgId);
  }
  /** Like the SQL store's constraint: checked again at the moment the connector turns active. */
  async activateConsent(next: Connector, expectedVersion: number, beforeCommit: BeforeCommit): Promise<ConsentActivation> {
    const tenantId = next.settings.kind === 'microsoft-365' ? next.settings.tenantId : '';
    if (await this.tenantHeldElsewhere(next.orgId, tenantId)) return 'tenant-held-elsewhere';
    return (await this.connectors.update(next, expectedVersion, beforeCommit)) ? 'activated' : 'connector-changed';
  }
  /** Organisations of the admin-consent connectors bound to a tenant. */
  private holders(tenantId: string): string[] {
    return [...this.connectors.rows.values()].filter((c) => c.settings.kind === 'microsoft-365' && c.settings.auth === 'admin-consent' && c.settings.tenantId === tenantId).map((c) => c.orgId);
  }
}

export class MemoryVault implements SecretVault {
  readonly values = new Map<string, string>();
  constructor(private readonly connectors: MemoryConnectors) {}
  async open(connector: Connector, field: string): Promise<string | null> {
    return this.values.get(`${connector.id}/${field}`) ?? null;
  }
  async replace(connector: Connector, field: string, value: string, previous: string): Promise<boolean> {
    if (this.values.get(`${connector.id}/${field}`) !== previous) return false;
    this.values.set(`${connector.id}/${field}`, value);
    return true;
  }
  async putUserCredentials(connector: Connector, entries: readonly SecretInput[], _replaceAll: boolean, beforeCommit: BeforeCommit): Promise<boolean> {
    const current = this.connectors.rows.get(connector.id);
    if (!current || current.status !== 'active') return false;
    await beforeCommit();
    for (const e of entries) this.values.set(`${connector.id}/${e.field}`, e.value);
    return true;
  }
  async countUserCredentials(_orgId: string, connectorId: string): Promise<number> {
    return [...this.values.keys()].filter((k) => k.startsWith(`${connectorId}/user/`)).length;
  }
  put = unused;
  countUserCredentialsOlderThan = unused;
  metadata = unused;
  sampleUserCredentials = unused;
  purge = unused;
}

async function unused(): Promise<never> {
  throw new Error('not used by onboarding');
}

export const fingerprinter: Fingerprinter = {
  fingerprint: (s) => createHmac('sha256', 'k').update(s).digest('hex').slice(0, 16),
  pseudonym: (a) => `u_${createHmac('sha256', 'k').update(a.trim().toLowerCase()).digest('hex').slice(0, 20)}`,
};

export const tokenSource: TokenSource = {
  acquire: async () => {
    throw new Error('not used by onboarding');
  },
  scopesFor: (_c, workloads) => workloads.map((w) => `scope:${w}`),
};

export class FakeInstallationApp implements InstallationApp {
  readonly verified: string[] = [];
  /** Tenants that have granted the app. */
  readonly consented = new Set<string>([TENANT]);
  /** Runs while a consent is being verified: where a test plays a concurrent completion. */
  duringVerify: () => void = () => undefined;
  configured = true;
  consentSettings(): MicrosoftSettings {
    if (!this.configured) throw new ProviderError('invalid-input', 'no installation app');
    return { kind: 'microsoft-365', auth: 'admin-consent', tenantId: '', clientId: APP_CLIENT_ID, cloud: 'global' };
  }
  consentUrl(state: string): string {
    return `https://login.example/organizations/v2.0/adminconsent?client_id=${APP_CLIENT_ID}&state=${state}`;
  }
  readConsentCallback(query: URLSearchParams): { tenantId: string } {
    if (query.get('error') === 'access_denied') throw new ProviderError('not-authorized', 'declined', { providerCode: 'AADSTS65004' });
    const tenant = query.get('tenant');
    if (query.get('admin_consent') !== 'True' || !tenant) throw new ProviderError('invalid-input', 'incomplete');
    return { tenantId: tenant };
  }
  async verifyConsent(settings: MicrosoftSettings): Promise<void> {
    this.verified.push(settings.tenantId);
    this.duringVerify();
    if (!this.consented.has(settings.tenantId)) throw new ProviderError('unknown-client', 'the app is unknown to the tenant', { providerCode: 'AADSTS700016' });
  }

  private readonly signIns = new Map<string, { authority: string; challenge: string; tenantId: string; directoryRoles: readonly string[] }>();
  verificationUrl(tenantId: string, request: { state: string; codeChallenge: string }): string {
    return `https://login.example/${tenantId}/oauth2/v2.0/authorize?state=${request.state}&code_challenge=${request.codeChallenge}`;
  }
  /**
   * What Entra redirects back with after a user signs in on a verification URL: a user of `tenantId`
   * (by default the authority's tenant, as Entra allows no other) holding `directoryRoles`.
   */
  signIn(url: string, user: { tenantId?: string; directoryRoles: readonly string[] }): string {
    const u = new URL(url);
    const authority = u.pathname.split('/')[1] ?? '';
    const code = `verify-code-${this.signIns.size + 1}`;
    this.signIns.set(code, { authority, challenge: u.searchParams.get('code_challenge') ?? '', tenantId: user.tenantId ?? authority, directoryRoles: user.directoryRoles });
    return `code=${code}&state=${u.searchParams.get('state') ?? ''}&session_state=s`;
  }
  async verifySignIn(tenantId: string, request: { code: string; codeVerifier: string }): Promise<ConsentSignIn> {
    const signIn = this.signIns.get(request.code);
    this.signIns.delete(request.code);
    const challenge = createHash('sha256').update(request.codeVerifier, 'ascii').digest('base64url');
    if (!signIn || signIn.authority !== tenantId || signIn.challenge !== challenge) throw new ProviderError('invalid-grant', 'the code is unknown, used or not this verifier\'s', { providerCode: 'AADSTS70000' });
    return { tenantId: signIn.tenantId, directoryRoles: signIn.directoryRoles };
  }
}

/** A provider that issues one code per authorization URL, for the account named when the user signs in. */
export class FakeDelegationProvider implements DelegationProvider {
  private readonly codes = new Map<string, { challenge: string; username: string }>();
  readonly requests: { state: string; scopes: readonly string[]; loginHint: string | null }[] = [];
  refreshToken: string | undefined = 'rt-secret-1';

  async authorizationUrl(_c: Connector, request: { state: string; codeChallenge: string; scopes: readonly string[]; loginHint: string | null }): Promise<string> {
    this.requests.push(request);
    return `https://idp.example/authorize?state=${request.state}&code_challenge=${request.codeChallenge}`;
  }
  /** What the provider redirects back with after `username` signs in on `url`. */
  signIn(url: string, username: string): string {
    const u = new URL(url);
    const code = `code-${this.codes.size + 1}`;
    this.codes.set(code, { challenge: u.searchParams.get('code_challenge') ?? '', username });
    return `state=${u.searchParams.get('state') ?? ''}&code=${code}`;
  }
  async redeem(_c: Connector, request: { code: string; codeVerifier: string }): Promise<DelegatedGrant> {
    const issued = this.codes.get(request.code);
    this.codes.delete(request.code);
    if (!issued || createHash('sha256').update(request.codeVerifier).digest('base64url') !== issued.challenge) throw new ProviderError('invalid-grant', 'the code or verifier was refused');
    return { accessToken: 'at', expiresAt: new Date(), granted: [], ...(this.refreshToken && { refreshToken: this.refreshToken }), account: { id: 'oid', username: issued.username } };
  }
}

/** Every fake wired together, as the module wires the real adapters. */
export function onboardingWorld() {
  const clock = new FakeClock();
  const audit = new RecordingAudit();
  const connectors = new MemoryConnectors();
  const store = new MemoryOnboardingStore(connectors);
  const vault = new MemoryVault(connectors);
  const app = new FakeInstallationApp();
  const provider = new FakeDelegationProvider();
  return { clock, audit, connectors, store, vault, app, provider };
}

/** A delegated connector of `orgId`, stored. */
export function delegatedConnector(world: ReturnType<typeof onboardingWorld>, overrides: Partial<Connector> = {}): Connector {
  const now = world.clock.now();
  const connector: Connector = {
    id: '0c9b8a7f-6e5d-4c3b-8a29-180f7e6d5c4b',
    orgId: ORG,
    name: 'Fabrikam users',
    kind: 'google-workspace',
    settings: { kind: 'google-workspace', auth: 'delegated', customerId: 'C01abc2de', oauthClientId: 'client.apps.googleusercontent.com' },
    workloads: ['mail', 'files'],
    projectTag: null,
    status: 'active',
    version: 3,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  world.connectors.rows.set(connector.id, connector);
  return connector;
}
