import { userCredentialField } from '@ferry/connectors/domain';
import { aCaller, aConnector, createConnectorFakes, imapSettings } from '@ferry/connectors/testing';
import { AuditUnavailableError, ConnectorStateError, InvalidCommandError } from '../connectors.errors';
import { TEST_LOGIN_SAMPLE, TestConnectorUseCase } from './test-connector.usecase';

const ADDRESSES = Array.from({ length: 8 }, (_, i) => `planted.user${i}@contoso.com`);

function setup() {
  const f = createConnectorFakes();
  const users = Object.fromEntries(
    ADDRESSES.map((a) => [
      userCredentialField(f.fingerprinter.pseudonym(a)),
      JSON.stringify({ username: a, password: 'planted-pw' }),
    ]),
  );
  const connector = f.seed(aConnector({ settings: imapSettings(), workloads: ['mail'] }), users);
  const useCase = new TestConnectorUseCase(f.connectors, f.vault, f.tester, f.audit, f.clock);
  const input = { orgId: connector.orgId, connectorId: connector.id, caller: aCaller() };
  return { f, connector, useCase, input };
}

describe('TestConnectorUseCase', () => {
  it(`tries at most ${TEST_LOGIN_SAMPLE} stored user logins, labelled by pseudonym and never by address`, async () => {
    const { f, useCase, input } = setup();
    await useCase.execute(input);
    const [call] = f.tester.calls;
    expect(call?.userLogins).toHaveLength(TEST_LOGIN_SAMPLE);
    for (const sample of call?.userLogins ?? []) {
      expect(sample.field).toMatch(/^user\/u_[0-9a-f]{20}$/);
      expect(sample.label).toBe(`user:${sample.field.slice('user/'.length, 'user/'.length + 8)}`);
    }
    const labels = JSON.stringify(call?.userLogins.map((s) => s.label));
    for (const address of ADDRESSES) {
      expect(labels).not.toContain(address);
      expect(labels).not.toContain(address.split('@')[0]);
    }
  });

  it('returns the report with its duration and audits success when every finding is ok', async () => {
    const { f, useCase, input } = setup();
    const report = await useCase.execute(input);
    expect(report).toEqual({ ok: true, findings: f.tester.findings, durationMs: 0 });
    expect(f.audit.entries.map((e) => [e.action, e.outcome, e.detail])).toEqual([
      ['connector.tested', 'success', { ok: 'true', notOk: '' }],
    ]);
  });

  it('audits a test that could not run, by error code, and still fails with the error', async () => {
    const { f, useCase, input } = setup();
    const refused = Object.assign(new Error('127.0.0.1:993 could not be reached (ECONNREFUSED)'), { code: 'unreachable' });
    f.tester.test = async () => Promise.reject(refused);
    await expect(useCase.execute(input)).rejects.toBe(refused);
    expect(f.audit.entries.map((e) => [e.action, e.outcome, e.detail])).toEqual([['connector.tested', 'failure', { ok: 'false', error: 'unreachable' }]]);
  });

  it('audits a failure naming the checks that were not ok', async () => {
    const { f, useCase, input } = setup();
    f.tester.findings = [
      { check: 'credentials', status: 'ok', detail: 'accepted' },
      { check: 'capability:IDLE', status: 'missing', detail: 'not offered', remedy: 'enable IDLE' },
      { check: 'login:u_123', status: 'failed', detail: 'refused' },
    ];
    const report = await useCase.execute(input);
    expect(report.ok).toBe(false);
    expect(f.audit.entries.map((e) => [e.outcome, e.detail])).toEqual([
      ['failure', { ok: 'false', notOk: 'capability:IDLE,login:u_123' }],
    ]);
  });

  it('passes a sample mailbox normalised, and refuses one with control characters or over 254 characters', async () => {
    const { f, useCase, input } = setup();
    await useCase.execute({ ...input, sampleMailbox: '  Planted.User0@Contoso.COM ' });
    expect(f.tester.calls[0]?.sampleMailbox).toBe('planted.user0@contoso.com');
    await expect(useCase.execute({ ...input, sampleMailbox: 'a\u0000@contoso.com' })).rejects.toBeInstanceOf(
      InvalidCommandError,
    );
    await expect(
      useCase.execute({ ...input, sampleMailbox: `${'a'.repeat(250)}@x.com` }),
    ).rejects.toBeInstanceOf(InvalidCommandError);
    expect(f.tester.calls).toHaveLength(1);
  });

  it('refuses a connector that is not active', async () => {
    const f = createConnectorFakes();
    const connector = f.seed(aConnector({ status: 'credentials-removed' }));
    const useCase = new TestConnectorUseCase(f.connectors, f.vault, f.tester, f.audit, f.clock);
    await expect(
      useCase.execute({ orgId: connector.orgId, connectorId: connector.id, caller: aCaller() }),
    ).rejects.toBeInstanceOf(ConnectorStateError);
    expect(f.tester.calls).toEqual([]);
  });

  it('when the audit record cannot be stored, it fails with AuditUnavailableError instead of answering', async () => {
    const { f, useCase, input } = setup();
    f.audit.failing = true;
    await expect(useCase.execute(input)).rejects.toBeInstanceOf(AuditUnavailableError);
  });

  it('never puts an address or a password in its audit record', async () => {
    const { f, useCase, input } = setup();
    await useCase.execute({ ...input, sampleMailbox: ADDRESSES[0] });
    expect(JSON.stringify(f.audit.entries)).not.toMatch(/planted/);
  });
});
