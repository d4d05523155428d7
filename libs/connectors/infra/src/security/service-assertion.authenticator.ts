import type { ServiceAuthenticator } from '@ferry/connectors/application';
import type { ServiceTokenVerifier } from '@ferry/platform/auth';

/** Verifies the calling service's assertion with the installation's trusted service keys. */
export class ServiceAssertionAuthenticator implements ServiceAuthenticator {
  constructor(private readonly verifier: ServiceTokenVerifier) {}

  async verify(token: string): Promise<{ service: string }> {
    const verified = await this.verifier.verify(token);
    return { service: verified.service };
  }
}
