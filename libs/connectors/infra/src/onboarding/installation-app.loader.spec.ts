import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstallationAppConfigError, loadInstallationApp } from './installation-app.loader';

const CLIENT_ID = '1F2E3D4C-5B6A-4978-8695-A4B3C2D1E0F9';
const SECRET = 'app~secret-value-never-echoed';

describe('loadInstallationApp', () => {
  let dir: string;
  const file = (name: string, content: string, mode = 0o600) => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode });
    return path;
  };
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.catch((e: unknown) => e);
    if (!(err instanceof InstallationAppConfigError)) throw new Error(`expected a configuration refusal, got ${String(err)}`);
    expect(err.message).not.toContain(SECRET);
    return err.message;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-installation-app-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('offers no admin consent when nothing is configured', async () => {
    expect(await loadInstallationApp({ cloud: 'global' })).toBeUndefined();
  });

  it('reads a client secret from its file, trimmed, with the client id in lower case', async () => {
    const app = await loadInstallationApp({ clientId: CLIENT_ID, secretFile: file('secret', `${SECRET}\n`), cloud: 'global' });
    expect(app).toEqual({ clientId: CLIENT_ID.toLowerCase(), credential: { kind: 'client-secret', secret: SECRET }, cloud: 'global' });
  });

  it('keeps the endpoints of a custom cloud', async () => {
    const app = await loadInstallationApp({ clientId: CLIENT_ID, secretFile: file('secret', SECRET), cloud: 'custom', authorityHost: 'https://login.example', graphOrigin: 'https://graph.example' });
    expect(app?.endpoints).toEqual({ authorityHost: 'https://login.example', graphOrigin: 'https://graph.example' });
  });

  it('refuses a secret file that group or others can read, saying how to fix it', async () => {
    expect(await refusal(loadInstallationApp({ clientId: CLIENT_ID, secretFile: file('secret', SECRET, 0o644), cloud: 'global' }))).toMatch(/FERRY_MICROSOFT_APP_SECRET_FILE is accessible to group or others .*chmod 600/);
  });

  it.each([
    ['files without a client id', () => ({ secretFile: file('secret', SECRET) }), /FERRY_MICROSOFT_APP_CLIENT_ID is not/],
    ['a client id without a credential', () => ({ clientId: CLIENT_ID }), /either FERRY_MICROSOFT_APP_CERTIFICATE_FILE/],
    ['a certificate without its key', () => ({ clientId: CLIENT_ID, certificateFile: file('cert', 'x') }), /go together/],
    ['custom endpoints on a national cloud', () => ({ clientId: CLIENT_ID, secretFile: file('secret', SECRET), authorityHost: 'https://login.example' }), /exactly when FERRY_MICROSOFT_APP_CLOUD is custom/],
  ])('refuses %s', async (_what, settings, reason) => {
    expect(await refusal(loadInstallationApp({ cloud: 'global', ...settings() }))).toMatch(reason);
  });

  it('refuses a secret and a certificate together', async () => {
    const settings = { clientId: CLIENT_ID, secretFile: file('secret', SECRET), certificateFile: file('cert', 'x'), keyFile: file('key', 'y'), cloud: 'global' as const };
    expect(await refusal(loadInstallationApp(settings))).toMatch(/either/);
  });

  it('refuses a certificate and key that do not parse, without quoting them', async () => {
    const settings = { clientId: CLIENT_ID, certificateFile: file('cert', `-----BEGIN CERTIFICATE-----\n${SECRET}\n-----END CERTIFICATE-----\n`), keyFile: file('key', SECRET), cloud: 'global' as const };
    expect(await refusal(loadInstallationApp(settings))).toMatch(/^installation app: the certificate and key files: /);
  });

  it('refuses a file that does not exist, naming the setting only', async () => {
    expect(await refusal(loadInstallationApp({ clientId: CLIENT_ID, secretFile: join(dir, 'missing'), cloud: 'global' }))).toBe('installation app: FERRY_MICROSOFT_APP_SECRET_FILE cannot be opened');
  });
});
