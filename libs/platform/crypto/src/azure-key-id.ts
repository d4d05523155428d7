/** A parsed Azure Key Vault (or Managed HSM) key identifier. */
export interface AzureKeyId {
  /** `https://<vault>.vault.azure.net` (no trailing slash). */
  readonly vaultUrl: string;
  readonly name: string;
  /** Absent when the id names the key's current version. */
  readonly version?: string;
}

const NAME_PATTERN = /^[0-9A-Za-z-]{1,127}$/;
const VERSION_PATTERN = /^[0-9A-Za-z]{1,64}$/;

/**
 * Parses `https://<vault>/keys/<name>[/<version>]`; returns undefined for anything else (other schemes,
 * credentials, query strings, extra path segments), so callers pick the error and never echo bad input.
 */
export function parseAzureKeyId(text: string): AzureKeyId | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) return undefined;
  const segments = url.pathname.replace(/\/$/, '').split('/');
  const [empty, collection, name, version, ...rest] = segments;
  if (empty !== '' || collection !== 'keys' || !name || !NAME_PATTERN.test(name) || rest.length > 0) {
    return undefined;
  }
  if (version !== undefined && !VERSION_PATTERN.test(version)) return undefined;
  return version === undefined ? { vaultUrl: url.origin, name } : { vaultUrl: url.origin, name, version };
}

/** The canonical URL for `id`. */
export function formatAzureKeyId(id: AzureKeyId): string {
  const base = `${id.vaultUrl}/keys/${id.name}`;
  return id.version ? `${base}/${id.version}` : base;
}

/** True when both ids name the same key in the same vault (any version). Key names are case-insensitive. */
export function isSameAzureKey(a: AzureKeyId, b: AzureKeyId): boolean {
  return a.vaultUrl === b.vaultUrl && a.name.toLowerCase() === b.name.toLowerCase();
}
