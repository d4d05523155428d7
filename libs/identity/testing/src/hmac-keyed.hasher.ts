import { createHash, createHmac } from 'node:crypto';
import type { KeyedHasher } from '@ferry/identity/application';

/** A real KeyedHasher (HMAC-SHA-256 pseudonyms, SHA-256 token hashes) under a fixed test key. */
export class TestKeyedHasher implements KeyedHasher {
  constructor(private readonly key: string = 'ferry-identity-test-pseudonym-key') {}

  pseudonym(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('hex');
  }

  tokenHash(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
  }
}
