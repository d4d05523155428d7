import { open } from 'node:fs/promises';
import type { MicrosoftCloudName } from '@ferry/connectors/domain';
import { ProviderError } from '@ferry/providers/core';
import { describeCertificate, type MicrosoftClientCredential } from '@ferry/providers/microsoft';
import type { MicrosoftInstallationAppOptions } from '../tenants/microsoft-installation.app';

/** The installation app's settings as the service's configuration names them (paths, never values). */
export interface InstallationAppSettings {
  readonly clientId?: string;
  readonly certificateFile?: string;
  readonly keyFile?: string;
  readonly secretFile?: string;
  readonly cloud: MicrosoftCloudName;
  readonly authorityHost?: string;
  readonly graphOrigin?: string;
}

const MAX_FILE_BYTES = 64 * 1024;
// Permission bits mean nothing on Windows; there the files' ACLs are the operator's job.
const CHECK_MODE = process.platform !== 'win32';

/** A start-up refusal naming the setting and the fix, never a value. */
export class InstallationAppConfigError extends Error {
  constructor(message: string) {
    super(`installation app: ${message}`);
    this.name = 'InstallationAppConfigError';
  }
}

/**
 * Reads the installation's multi-tenant Entra app (admin consent) from its settings: a client id and
 * either a certificate with its private key (preferred) or a client secret, each from a file. Private
 * files must not be readable by group or others. Nothing configured: undefined (consent not offered).
 * @throws InstallationAppConfigError for an incomplete, contradictory or unreadable configuration
 */
export async function loadInstallationApp(s: InstallationAppSettings): Promise<MicrosoftInstallationAppOptions | undefined> {
  const files = [s.certificateFile, s.keyFile, s.secretFile].filter((f) => f !== undefined);
  if (s.clientId === undefined) {
    if (files.length > 0) throw new InstallationAppConfigError('credential files are set but FERRY_MICROSOFT_APP_CLIENT_ID is not');
    return undefined;
  }
  const custom = s.cloud === 'custom';
  const endpointsGiven = s.authorityHost !== undefined || s.graphOrigin !== undefined;
  if (custom ? s.authorityHost === undefined || s.graphOrigin === undefined : endpointsGiven) {
    throw new InstallationAppConfigError('FERRY_MICROSOFT_APP_AUTHORITY_HOST and FERRY_MICROSOFT_APP_GRAPH_ORIGIN are set exactly when FERRY_MICROSOFT_APP_CLOUD is custom');
  }
  return {
    clientId: s.clientId.toLowerCase(),
    credential: await credentialOf(s),
    cloud: s.cloud,
    ...(custom && { endpoints: { authorityHost: s.authorityHost ?? '', graphOrigin: s.graphOrigin ?? '' } }),
  };
}

async function credentialOf(s: InstallationAppSettings): Promise<MicrosoftClientCredential> {
  const certificate = s.certificateFile !== undefined || s.keyFile !== undefined;
  if (certificate === (s.secretFile !== undefined)) {
    throw new InstallationAppConfigError('set either FERRY_MICROSOFT_APP_CERTIFICATE_FILE with FERRY_MICROSOFT_APP_KEY_FILE (preferred), or FERRY_MICROSOFT_APP_SECRET_FILE');
  }
  if (s.secretFile !== undefined) {
    const secret = (await readFile(s.secretFile, 'FERRY_MICROSOFT_APP_SECRET_FILE', true)).trim();
    if (secret.length === 0) throw new InstallationAppConfigError('FERRY_MICROSOFT_APP_SECRET_FILE is empty');
    return { kind: 'client-secret', secret };
  }
  if (s.certificateFile === undefined || s.keyFile === undefined) {
    throw new InstallationAppConfigError('FERRY_MICROSOFT_APP_CERTIFICATE_FILE and FERRY_MICROSOFT_APP_KEY_FILE go together');
  }
  const certificatePem = await readFile(s.certificateFile, 'FERRY_MICROSOFT_APP_CERTIFICATE_FILE', false);
  const privateKeyPem = await readFile(s.keyFile, 'FERRY_MICROSOFT_APP_KEY_FILE', true);
  try {
    describeCertificate(certificatePem, privateKeyPem);
  } catch (err) {
    // The provider's message is Ferry's own and names no key material.
    if (err instanceof ProviderError) throw new InstallationAppConfigError(`the certificate and key files: ${err.message}`);
    throw err;
  }
  return { kind: 'certificate', certificatePem, privateKeyPem };
}

/** Reads a small regular file, checking its mode on the opened descriptor (so it cannot be swapped in between). */
async function readFile(path: string, setting: string, secret: boolean): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    throw new InstallationAppConfigError(`${setting} cannot be opened`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new InstallationAppConfigError(`${setting} is not a regular file`);
    if (secret && CHECK_MODE && (info.mode & 0o077) !== 0) {
      throw new InstallationAppConfigError(`${setting} is accessible to group or others (mode 0${(info.mode & 0o777).toString(8)}); chmod 600 it, or mount the Secret with defaultMode 0400`);
    }
    if (info.size > MAX_FILE_BYTES) throw new InstallationAppConfigError(`${setting} is larger than ${MAX_FILE_BYTES} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
