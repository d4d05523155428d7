import { ProjectQuery, ReplaceQuery, RotateSecretBody, TestConnectorBody, UpdateConnectorBody } from './connector-change.dto';

const fieldsOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => r.error?.issues.map((i) => i.path.join('.') || '(body)') ?? [];

describe('UpdateConnectorBody', () => {
  it('accepts any one change with an optional expected version', () => {
    for (const body of [{ name: 'Renamed' }, { workloads: ['mail'], expectedVersion: 3 }, { projectTag: 'p-1' }, { projectTag: '' }, { projectTag: null }]) {
      expect(UpdateConnectorBody.safeParse(body).success).toBe(true);
    }
  });

  it('keeps a null project tag distinct from an absent one (null removes it)', () => {
    expect(UpdateConnectorBody.parse({ projectTag: null })).toEqual({ projectTag: null });
    expect(UpdateConnectorBody.parse({ name: 'n' })).not.toHaveProperty('projectTag');
  });

  it('refuses a body that changes nothing, unknown fields, a version of 0 and too many workloads', () => {
    expect(fieldsOf(UpdateConnectorBody.safeParse({}))).toEqual(['(body)']);
    expect(fieldsOf(UpdateConnectorBody.safeParse({ expectedVersion: 2 }))).toEqual(['(body)']);
    expect(fieldsOf(UpdateConnectorBody.safeParse({ name: 'n', secret: 's' }))).toEqual(['(body)']);
    expect(fieldsOf(UpdateConnectorBody.safeParse({ name: 'n', expectedVersion: 0 }))).toEqual(['expectedVersion']);
    expect(fieldsOf(UpdateConnectorBody.safeParse({ name: 'n', expectedVersion: 1.5 }))).toEqual(['expectedVersion']);
    expect(fieldsOf(UpdateConnectorBody.safeParse({ workloads: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }))).toEqual(['workloads']);
  });
});

describe('RotateSecretBody', () => {
  it('requires the new secret and bounds it', () => {
    expect(RotateSecretBody.safeParse({ secret: 's', expiresAt: '2027-01-01T00:00:00Z', certificatePem: 'pem' }).success).toBe(true);
    expect(fieldsOf(RotateSecretBody.safeParse({ certificatePem: 'pem' }))).toEqual(['secret']);
    expect(fieldsOf(RotateSecretBody.safeParse({ secret: 's'.repeat(64 * 1024 + 1) }))).toEqual(['secret']);
    expect(fieldsOf(RotateSecretBody.safeParse({ secret: 's', expiresAt: 'next year' }))).toEqual(['expiresAt']);
  });
});

describe('TestConnectorBody', () => {
  it('may be omitted, and takes only a sample mailbox', () => {
    expect(TestConnectorBody.parse(undefined)).toEqual({});
    expect(TestConnectorBody.parse({ sampleMailbox: 'user@example.org' })).toEqual({ sampleMailbox: 'user@example.org' });
    expect(TestConnectorBody.safeParse({ workloads: ['mail'] }).success).toBe(false);
  });
});

describe('query parameters', () => {
  it('replace is true or false, false when absent, and given once', () => {
    expect(ReplaceQuery.parse(undefined)).toBe('false');
    expect(ReplaceQuery.parse('true')).toBe('true');
    expect(ReplaceQuery.safeParse('yes').success).toBe(false);
    expect(ReplaceQuery.safeParse(['true', 'true']).success).toBe(false);
  });

  it('project is one non-empty tag', () => {
    expect(ProjectQuery.parse('move-2026')).toBe('move-2026');
    for (const bad of [undefined, '', ['a', 'b'], 'p'.repeat(65)]) expect(ProjectQuery.safeParse(bad).success).toBe(false);
  });
});
