import { baseServiceSchema, withDatabase } from '@ferry/platform/config';
import { z } from 'zod';

/** The connectors service's settings: the base, its database, and its key-encryption key. */
export const configSchema = withDatabase(baseServiceSchema).extend({
  // How these combine (e.g. the Azure key id when the provider is azure-keyvault) is checked by
  // readKeyProviderConfig when the vault starts.
  FERRY_KEK_PROVIDER: z.enum(['local', 'azure-keyvault']).default('local'),
  FERRY_KEK_FILE: z.string().min(1).optional(),
  FERRY_KEK_CREATE_IF_MISSING: z.enum(['true', 'false']).optional(),
  FERRY_KEK_AZURE_KEY_ID: z.url().optional(),
  FERRY_KEK_AZURE_ALGORITHM: z.string().min(1).optional(),
});
