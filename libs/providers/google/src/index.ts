export { checkGoogleConnection, type GoogleConnectionCheckInput } from './connection.check';
export {
  DEFAULT_GOOGLE_ENDPOINTS,
  type GoogleEndpoints,
  validateGoogleEndpoints,
} from './google-endpoints.config';
export {
  GOOGLE_DELEGATED_USER_SCOPES,
  GOOGLE_DELEGATION_SCOPES,
  GOOGLE_DIRECTORY_USER_READONLY_SCOPE,
  googleDelegationScopesFor,
} from './google-scopes';
export { type GoogleApiOptions, googleApiOptions } from './googleapis.transport';
export {
  type GoogleAuthorizationRequest,
  GoogleOAuthClient,
  type GoogleOAuthClientOptions,
} from './oauth.client';
export {
  type GoogleClock,
  GoogleServiceAccountClient,
  type GoogleServiceAccountClientOptions,
} from './service-account.client';
export {
  DEFAULT_GOOGLE_TOKEN_URI,
  parseServiceAccountKey,
  type ServiceAccountKey,
} from './service-account-key.parser';
