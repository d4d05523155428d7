/** What the gateway API needs from the service's configuration. */
export interface GatewayApiOptions {
  /** The `iss` of identity's access tokens. */
  readonly issuer: string;
  /** The data region, for the audit subject. */
  readonly region: string;
}

export const GATEWAY_API_OPTIONS = Symbol('GatewayApiOptions');
