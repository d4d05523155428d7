import { randomUUID } from 'node:crypto';
import { aCaller, googleSettings, imapSettings, microsoftSettings } from '@ferry/connectors/testing';
import { InvalidCommandError } from '../connectors.errors';
import { CreateConnectorCommand } from './create-connector.command';

const SECRET = 'planted-client-secret';
type Input = Parameters<typeof CreateConnectorCommand.create>[0];
const input = (o: Partial<Input> = {}): Input => ({
  orgId: randomUUID(),
  name: 'Contoso',
  settings: microsoftSettings(),
  workloads: ['mail'],
  secret: SECRET,
  caller: aCaller(),
  ...o,
});
const violationsOf = (o: Partial<Input>): string[] => {
  try {
    CreateConnectorCommand.create(input(o));
  } catch (err) {
    if (err instanceof InvalidCommandError) return err.violations.map((v) => v.field);
    throw err;
  }
  return [];
};

describe('CreateConnectorCommand', () => {
  it('normalises the organisation, the name, an empty project tag and the Google admin user', () => {
    const orgId = randomUUID().toUpperCase();
    const command = CreateConnectorCommand.create(
      input({
        orgId,
        name: '  Contoso  ',
        projectTag: '',
        settings: googleSettings(),
        secret: '{"type":"service_account"}',
        adminUser: ' Admin@Contoso.COM ',
      }),
    );
    expect(command).toMatchObject({
      orgId: orgId.toLowerCase(),
      name: 'Contoso',
      projectTag: null,
      adminUser: 'admin@contoso.com',
      secretExpiresAt: null,
    });
  });

  it('names every invalid field at once', () => {
    expect(
      violationsOf({
        orgId: 'org-1',
        name: '',
        workloads: [],
        secret: '',
        projectTag: 'No Tag',
        secretExpiresAt: new Date(Number.NaN),
      }),
    ).toEqual(['orgId', 'name', 'workloads', 'projectTag', 'secret', 'secretExpiresAt']);
  });

  it('needs settings', () => {
    expect(violationsOf({ settings: undefined })).toEqual(['kind']);
  });

  it('needs the secret of modes that have one and refuses one for modes that do not', () => {
    expect(violationsOf({ settings: microsoftSettings({ auth: 'client-secret' }), secret: '' })).toEqual([
      'secret',
    ]);
    expect(
      violationsOf({ settings: imapSettings({ auth: 'master-user', masterUser: 'master' }), secret: '' }),
    ).toEqual(['secret']);
    expect(
      violationsOf({ settings: microsoftSettings({ auth: 'admin-consent', tenantId: '' }), secret: SECRET }),
    ).toEqual(['secret']);
    expect(violationsOf({ settings: imapSettings({ auth: 'per-user' }), secret: SECRET })).toEqual([
      'secret',
    ]);
    const perUser = CreateConnectorCommand.create(
      input({ settings: imapSettings({ auth: 'per-user' }), secret: '' }),
    );
    expect(perUser.secret).toBeNull();
  });

  it('needs the admin user to impersonate for a Google service account', () => {
    expect(violationsOf({ settings: googleSettings(), adminUser: undefined })).toEqual(['google.adminUser']);
    expect(violationsOf({ settings: googleSettings(), adminUser: 'not an address' })).toEqual([
      'google.adminUser',
    ]);
    expect(violationsOf({ settings: googleSettings(), adminUser: 'admin@contoso.com' })).toEqual([]);
  });

  it('never echoes the secret or the admin user in its error', () => {
    const planted = 'planted value with spaces';
    try {
      CreateConnectorCommand.create(
        input({
          settings: googleSettings({ customerId: planted }),
          secret: 'x'.repeat(70_000) + planted,
          adminUser: planted,
          name: `${planted}\u0000`,
        }),
      );
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidCommandError);
      expect(
        JSON.stringify({
          message: (err as Error).message,
          violations: (err as InvalidCommandError).violations,
        }),
      ).not.toContain('planted');
    }
  });
});
