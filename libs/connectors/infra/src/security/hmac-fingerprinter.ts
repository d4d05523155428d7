import type { Fingerprinter } from '@ferry/connectors/application';
import { fingerprint } from '@ferry/platform/crypto';
import { Pseudonymizer } from '@ferry/platform/telemetry';

/**
 * Keyed, non-reversible fingerprints of secrets, and pseudonyms of user addresses from the same
 * Pseudonymizer logs and traces use, so one user has one pseudonym in logs, audit records and vault keys.
 */
export class HmacFingerprinter implements Fingerprinter {
  private readonly pseudonymizer: Pseudonymizer;

  constructor(private readonly key: Buffer) {
    this.pseudonymizer = new Pseudonymizer(key);
  }

  fingerprint(secret: string): string {
    return fingerprint(secret, this.key);
  }

  pseudonym(address: string): string {
    return this.pseudonymizer.pseudonym(address);
  }
}
