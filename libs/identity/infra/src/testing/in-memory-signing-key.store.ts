import type { JWK } from 'jose';
import type { SigningKeyRecord, SigningKeyStore } from '../tokens/signing-key.store';

/** A SigningKeyStore in memory, for unit specs of the signer (the SQL store has its own int-spec). */
export class InMemorySigningKeyStore implements SigningKeyStore {
  readonly keys: (SigningKeyRecord & { retiredAt: Date | null })[] = [];

  async latest(): Promise<SigningKeyRecord | null> {
    return [...this.keys].sort((a, b) => b.generation - a.generation)[0] ?? null;
  }

  async insertNext(key: SigningKeyRecord, now: Date): Promise<boolean> {
    if (this.keys.some((k) => k.generation === key.generation)) return false;
    for (const k of this.keys) if (k.retiredAt === null) k.retiredAt = now;
    this.keys.push({ ...key, retiredAt: null });
    return true;
  }

  async published(retiredAfter: Date): Promise<{ kid: string; publicJwk: JWK }[]> {
    return this.keys
      .filter((k) => k.retiredAt === null || k.retiredAt > retiredAfter)
      .map(({ kid, publicJwk }) => ({ kid, publicJwk }));
  }

  async deleteRetiredBefore(cutoff: Date): Promise<number> {
    const before = this.keys.length;
    this.keys.splice(
      0,
      this.keys.length,
      ...this.keys.filter((k) => k.retiredAt === null || k.retiredAt >= cutoff),
    );
    return before - this.keys.length;
  }
}
