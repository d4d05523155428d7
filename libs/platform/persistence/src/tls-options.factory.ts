import { readFileSync } from 'node:fs';
import type { DatabaseTlsSettings } from './database-url.types';
import { DatabaseConfigError, errorMessage } from './persistence.errors';

/** Node TLS options for a verified or encrypted-only connection. */
export interface DatabaseTlsContext {
  readonly rejectUnauthorized: boolean;
  readonly minVersion: 'TLSv1.2';
  readonly ca?: string;
}

/** Node TLS options for `tls`, or undefined when TLS is disabled. Reads the CA file if one is set. */
export function buildTlsContext(tls: DatabaseTlsSettings): DatabaseTlsContext | undefined {
  if (tls.mode === 'disable') return undefined;
  const ca = tls.caFile === undefined ? undefined : readCaFile(tls.caFile);
  return {
    rejectUnauthorized: tls.mode === 'verify-full',
    minVersion: tls.minVersion,
    ...(ca === undefined ? {} : { ca }),
  };
}

function readCaFile(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DatabaseConfigError(`cannot read the database CA file ${path}: ${errorMessage(err)}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new DatabaseConfigError(`the database CA file ${path} holds no PEM certificate`);
  }
  return pem;
}
