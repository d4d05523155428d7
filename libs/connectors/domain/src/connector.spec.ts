import {
  CONNECTOR_NAME_MAX,
  CONNECTOR_SECRET_MAX_BYTES,
  type ConnectorDraft,
  validateConnectorDraft,
  validateName,
  validateProjectTag,
  validateSecretValue,
  validateWorkloads,
} from './connector';
import type { ImapSettings } from './connector-settings';

const fields = (violations: readonly { field: string }[]): string[] => violations.map((v) => v.field);

const imap: ImapSettings = {
  kind: 'imap',
  host: 'imap.example.net',
  port: 993,
  security: 'implicit-tls',
  auth: 'per-user',
};
const draft = (overrides: Partial<ConnectorDraft> = {}): ConnectorDraft => ({
  name: 'Legacy mail',
  settings: imap,
  workloads: ['mail'],
  projectTag: null,
  ...overrides,
});

describe('connector name', () => {
  it('is required once trimmed', () => {
    expect(validateName('   ')).toEqual([{ field: 'name', reason: 'required' }]);
    expect(validateName(' Contoso ')).toEqual([]);
  });

  it(`accepts ${CONNECTOR_NAME_MAX} characters, counting code points, and refuses one more`, () => {
    expect(validateName('a'.repeat(CONNECTOR_NAME_MAX))).toEqual([]);
    expect(validateName('\u{1F4E7}'.repeat(CONNECTOR_NAME_MAX))).toEqual([]);
    expect(validateName('a'.repeat(CONNECTOR_NAME_MAX + 1))).toEqual([
      { field: 'name', reason: `at most ${CONNECTOR_NAME_MAX} characters` },
    ]);
  });

  it.each(['tab\there', 'nul\u0000', 'line\nbreak', 'del\u007f', 'c1\u0085', 'csi\u009b'])(
    'refuses the control character in %j',
    (name) => {
      expect(validateName(name)).toEqual([{ field: 'name', reason: 'must not contain control characters' }]);
    },
  );

  it('accepts letters beyond ASCII', () => {
    expect(validateName('Zürich Müller – Posteingang')).toEqual([]);
  });
});

describe('connector workloads', () => {
  it('needs at least one', () => {
    expect(fields(validateWorkloads([]))).toEqual(['workloads']);
  });

  it('accepts every known workload once', () => {
    expect(validateWorkloads(['mail', 'calendar', 'contacts', 'files', 'directory', 'freebusy'])).toEqual([]);
  });

  it.each([['mailbox'], ['Mail'], ['__proto__'], ['']])('refuses the unknown workload %j', (w) => {
    expect(validateWorkloads(['mail', w])).toEqual([
      { field: 'workloads', reason: expect.stringContaining('each one of') as string },
    ]);
  });

  it('refuses a repeated workload', () => {
    expect(validateWorkloads(['mail', 'mail'])).toEqual([{ field: 'workloads', reason: 'must not repeat' }]);
  });
});

describe('project tag', () => {
  it.each([null, 'p', 'migration-2025.q1_a', '0'.repeat(64)])('accepts %j', (tag) => {
    expect(validateProjectTag(tag)).toEqual([]);
  });

  it.each(['', 'Upper', '-leading', '.leading', 'a'.repeat(65), 'has space', 'slash/ed', 'ümlaut'])(
    'refuses %j',
    (tag) => {
      expect(fields(validateProjectTag(tag))).toEqual(['projectTag']);
    },
  );
});

describe('connector draft', () => {
  it('a complete draft has no violations', () => {
    expect(validateConnectorDraft(draft())).toEqual([]);
  });

  it('names every invalid field at once', () => {
    expect(
      fields(
        validateConnectorDraft(
          draft({ name: '', settings: { ...imap, port: 0 }, workloads: [], projectTag: 'Bad Tag' }),
        ),
      ),
    ).toEqual(['name', 'imap.port', 'workloads', 'projectTag']);
  });

  it('needs settings of a known kind', () => {
    expect(fields(validateConnectorDraft(draft({ settings: undefined })))).toEqual(['kind']);
    const unknownKind = { ...imap, kind: 'exchange-2010' } as unknown as ImapSettings;
    expect(fields(validateConnectorDraft(draft({ settings: unknownKind })))).toEqual(['kind']);
  });

  it('never echoes a submitted value in a reason', () => {
    const planted = 'PLANTED\u0000value';
    const violations = validateConnectorDraft(
      draft({
        name: planted,
        settings: { ...imap, host: planted, masterUser: planted, auth: 'master-user' },
        workloads: [planted],
        projectTag: planted,
      }),
    );
    expect(violations.length).toBeGreaterThan(3);
    expect(JSON.stringify(violations)).not.toContain('PLANTED');
  });
});

describe('secret value', () => {
  it('is required', () => {
    expect(validateSecretValue('')).toEqual([{ field: 'secret', reason: 'required' }]);
    expect(validateSecretValue('', 'masterPassword')).toEqual([
      { field: 'masterPassword', reason: 'required' },
    ]);
  });

  it(`accepts ${CONNECTOR_SECRET_MAX_BYTES} bytes and refuses one more, counting UTF-8 bytes`, () => {
    expect(validateSecretValue('x'.repeat(CONNECTOR_SECRET_MAX_BYTES))).toEqual([]);
    expect(validateSecretValue('x'.repeat(CONNECTOR_SECRET_MAX_BYTES + 1))).toEqual([
      { field: 'secret', reason: `at most ${CONNECTOR_SECRET_MAX_BYTES} bytes` },
    ]);
    // 'é' is two bytes: half as many characters reach the limit.
    expect(validateSecretValue('é'.repeat(CONNECTOR_SECRET_MAX_BYTES / 2))).toEqual([]);
    expect(validateSecretValue('é'.repeat(CONNECTOR_SECRET_MAX_BYTES / 2) + 'x')).toHaveLength(1);
  });
});
