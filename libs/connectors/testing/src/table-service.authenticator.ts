import { ServiceNotAuthenticatedError, type ServiceAuthenticator } from '@ferry/connectors/application';

/** A ServiceAuthenticator that trusts the assertions a test registered, each for one service name. */
export class TableServiceAuthenticator implements ServiceAuthenticator {
  private readonly trusted = new Map<string, string>();

  /** Registers `service` and returns the assertion it presents. */
  trust(service: string, assertion = `assertion-of-${service}`): string {
    this.trusted.set(assertion, service);
    return assertion;
  }

  async verify(token: string): Promise<{ service: string }> {
    const service = this.trusted.get(token);
    if (service === undefined) throw new ServiceNotAuthenticatedError('unknown assertion');
    return { service };
  }
}
