import type { JWK } from 'jose';
import type { SigningKeyRecord, SigningKeyStore } from '../tokens/signing-key.store';

/** A SigningKeyStore in memory, for unit specs of the signer (the SQL store has its own int-spec). */
export class InMemorySigningKeyStore implements SigningKeyStore {
  readonly keys: (SigningKeyRecord & { createdAt: Date; retiredAt: Date | null })[] = [];

  async newest(count: number): Promise<SigningKeyRecord[]> {
    return this.byGenerationDesc().slice(0, count);
  }

  async insertNext(key: SigningKeyRecord, now: Date): Promise<boolean> {
    if (this.keys.some((k) => k.generation === key.generation)) return false;
    for (const k of this.keys) if (k.retiredAt === null) k.retiredAt = key.activatedAt;
    this.keys.push({ ...key, createdAt: now, retiredAt: null });
    return true;
  }

  async published(retiredAfter: Date): Promise<{ kid: string; publicJwk: JWK }[]> {
    return this.byGenerationDesc()
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

  private byGenerationDesc() {
    return [...this.keys].sort((a, b) => b.generation - a.generation);
  }
}
