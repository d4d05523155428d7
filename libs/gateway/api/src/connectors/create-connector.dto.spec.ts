import { BadRequestException } from '@nestjs/common';
import { create } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ConnectorKind, CreateConnectorRequestSchema, GoogleAuth, ImapAuth, ImapSecurity, MicrosoftAuth } from '@ferry/contracts';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { CreateConnectorBody, createRequestOf } from './create-connector.dto';
import { CREATE_NOT_OK, PLANTED } from './fixtures/create-connector.not-ok';
import { CREATE_OK } from './fixtures/create-connector.ok';

const pipe = new ZodBodyPipe(CreateConnectorBody);
const context = { actorId: 'a', accessToken: 't', sourceAddress: '', userAgent: '' };

function refusal(body: unknown): { message: string; violations: { field: string; reason: string }[] } {
  try {
    pipe.transform(body);
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return (err as BadRequestException).getResponse() as { message: string; violations: { field: string; reason: string }[] };
  }
  throw new Error('the body was accepted');
}

describe('CreateConnectorBody', () => {
  it.each(Object.entries(CREATE_OK))('accepts %s', (_name, body) => {
    expect(CreateConnectorBody.safeParse(body).success).toBe(true);
  });

  it.each(Object.entries(CREATE_NOT_OK))('refuses %s, naming the fields and never a value', (_name, { body, fields }) => {
    const answer = refusal(body);
    expect(answer.violations.map((v) => v.field).sort()).toEqual([...fields].sort());
    expect(JSON.stringify(answer)).not.toContain(PLANTED);
  });

  it('says which settings object a kind takes', () => {
    expect(refusal(CREATE_NOT_OK['the settings of another kind']!.body).violations).toEqual(
      expect.arrayContaining([
        { field: 'imap', reason: 'required for kind imap' },
        { field: 'microsoft', reason: 'only for kind microsoft-365; this connector is imap' },
      ]),
    );
  });
});

describe('createRequestOf', () => {
  const request = (name: string) => createRequestOf('org-1', CreateConnectorBody.parse(CREATE_OK[name]), context);

  it('carries the Microsoft settings as the oneof of the kind, defaulting the cloud to global', () => {
    const r = request('microsoft-365 delegated, no secret');
    expect(r).toMatchObject({ orgId: 'org-1', kind: ConnectorKind.MICROSOFT_365, secret: '', projectTag: '', workloads: ['files'], context });
    expect(r.settings).toMatchObject({ case: 'microsoft', value: { auth: MicrosoftAuth.DELEGATED, cloud: 'usgov', certificatePem: '' } });
    expect(request('microsoft-365 with a certificate').settings).toMatchObject({ case: 'microsoft', value: { auth: MicrosoftAuth.CERTIFICATE, cloud: 'global' } });
  });

  it('converts the secret expiry, offset included, to a timestamp', () => {
    const r = create(CreateConnectorRequestSchema, request('microsoft-365 with a client secret in a custom cloud, expiring'));
    expect(r.secret).toBe('client-secret-value');
    expect(r.secretExpiresAt ? timestampDate(r.secretExpiresAt).toISOString() : null).toBe('2026-06-29T22:00:00.000Z');
    expect(r.settings).toMatchObject({ value: { authorityHost: 'https://login.example', graphOrigin: 'https://graph.example', cloud: 'custom' } });
  });

  it('carries the Google admin user to the service, which seals it', () => {
    expect(request('google-workspace service account with the admin to impersonate').settings).toEqual({
      case: 'google',
      value: { auth: GoogleAuth.SERVICE_ACCOUNT, customerId: 'C01abc2de', adminUser: 'admin@fabrikam.example', oauthClientId: '' },
    });
  });

  it('carries the IMAP settings and the project tag', () => {
    const perUser = request('imap with per-user credentials (imported later), for a project');
    expect(perUser).toMatchObject({ kind: ConnectorKind.IMAP, projectTag: 'move-2026', secret: '' });
    expect(perUser.settings).toMatchObject({ case: 'imap', value: { host: 'imap.example.org', port: 993, security: ImapSecurity.IMPLICIT_TLS, auth: ImapAuth.PER_USER } });
    expect(request('imap with a master user behind a private CA').settings).toMatchObject({
      value: { security: ImapSecurity.STARTTLS, auth: ImapAuth.MASTER_USER, masterUser: 'ferry', masterSeparator: '*' },
    });
  });
});
