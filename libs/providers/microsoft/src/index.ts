export { adminConsentUrl, type AdminConsentResult, parseAdminConsentCallback } from './admin-consent';
export {
  type CertificateDescription,
  describeCertificate,
  type MicrosoftClientCredential,
} from './client-credential';
export { checkMicrosoftConnection, type MicrosoftConnectionCheckOptions } from './connection-check';
export { createGraphClient, type GraphClientOptions, graphProviderError } from './graph-client';
export {
  applicationPermissionsFor,
  coverage,
  delegatedScopesFor,
  GRAPH_APPLICATION_PERMISSIONS,
  GRAPH_DELEGATED_SCOPES,
} from './graph-permissions';
export { MicrosoftIdentityClient, type MicrosoftIdentityClientOptions } from './identity-client';
export type { MicrosoftDelegatedGrant } from './entra-delegated';
export {
  MICROSOFT_CLOUDS,
  type MicrosoftCloud,
  type MicrosoftEndpoints,
  validateEndpoints,
} from './microsoft-cloud';
