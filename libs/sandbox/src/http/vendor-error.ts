/**
 * An error the sandbox answers with exactly as the emulated service would: status, headers and body.
 * Route handlers throw it; the server writes it. Anything else thrown becomes the vendor's 500.
 */
export class VendorError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`sandbox ${status}`);
    this.name = 'VendorError';
  }
}

export type Vendor = 'graph' | 'entra' | 'google' | 'google-oauth' | 'inspect';
