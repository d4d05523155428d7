import { createHmac } from 'node:crypto';
import type { Fingerprinter } from '@ferry/connectors/application';

/** A real keyed Fingerprinter (HMAC-SHA-256) under a fixed test key; pseudonyms look like the service's (`u_` + 20 characters). */
export class TestFingerprinter implements Fingerprinter {
  constructor(private readonly key = 'ferry-connectors-test-key') {}

  fingerprint(secret: string): string {
    return `sha256:${this.mac(`secret:${secret}`).slice(0, 16)}`;
  }

  pseudonym(address: string): string {
    return `u_${this.mac(`address:${address.trim().toLowerCase()}`).slice(0, 20)}`;
  }

  private mac(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('hex');
  }
}
