import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock, type Fingerprinter, FINGERPRINTER, type SecretInput } from '@ferry/connectors/application';
import type { Connector } from '@ferry/connectors/domain';
import { EnvelopeCipher, type SealedValue } from '@ferry/platform/crypto';
import type { ConnectorSecretEntity } from './connector-secret.entity';

/** The encryption context that binds a sealed secret to its row: copied elsewhere, it will not open. */
export function secretContext(orgId: string, connectorId: string, field: string): Record<string, string> {
  return { org: orgId, connector: connectorId, field };
}

/** `<provider>:<key id>` of the KEK a value is wrapped with. */
export function kekRefOf(sealed: SealedValue): string {
  return `${sealed.wrappedKey.provider}:${sealed.wrappedKey.keyId}`;
}

/** Turns a secret into its sealed row (and back): the only place connector secrets are encrypted or decrypted. */
@Injectable()
export class SecretSealer {
  constructor(
    @Inject(EnvelopeCipher) private readonly cipher: EnvelopeCipher,
    @Inject(FINGERPRINTER) private readonly fingerprinter: Fingerprinter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async row(connector: Connector, secret: SecretInput): Promise<ConnectorSecretEntity> {
    const sealed = await this.cipher.seal(secret.value, secretContext(connector.orgId, connector.id, secret.field));
    return {
      connectorId: connector.id,
      field: secret.field,
      orgId: connector.orgId,
      sealed,
      kekRef: kekRefOf(sealed),
      fingerprint: this.fingerprinter.fingerprint(secret.value),
      createdAt: this.clock.now(),
      expiresAt: secret.expiresAt,
      lastUsedAt: null,
    };
  }

  /** The keyed fingerprint stored with a value, to recognise it without opening anything. */
  fingerprint(value: string): string {
    return this.fingerprinter.fingerprint(value);
  }

  async open(row: Pick<ConnectorSecretEntity, 'orgId' | 'connectorId' | 'field' | 'sealed'>): Promise<string> {
    return (await this.cipher.open(row.sealed, secretContext(row.orgId, row.connectorId, row.field))).toString('utf8');
  }
}
