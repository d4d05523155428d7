import { CreateAccountTables1733600000001 } from './persistence/1733600000001-create-account-tables.migration';
import { CreateSessionTables1733600000002 } from './persistence/1733600000002-create-session-tables.migration';
import { CreateThrottleCountersTable1733600000003 } from './persistence/1733600000003-create-throttle-counters-table.migration';
import { CreateSsoTransactionsTable1733600000004 } from './persistence/1733600000004-create-sso-transactions-table.migration';
import { CreateSigningKeysTable1733600000005 } from './persistence/1733600000005-create-signing-keys-table.migration';
import { SealAccountProfile1733600000006 } from './persistence/1733600000006-seal-account-profile.migration';
import { AccountEntity } from './persistence/account.entity';
import { AccountRoleEntity } from './persistence/account-role.entity';
import { OrganisationEntity } from './persistence/organisation.entity';
import { PendingStepEntity } from './persistence/pending-step.entity';
import { RecoveryCodeEntity } from './persistence/recovery-code.entity';
import { RefreshTokenEntity } from './persistence/refresh-token.entity';
import { SessionEntity } from './persistence/session.entity';
import { SigningKeyEntity } from './persistence/signing-key.entity';
import { SsoTransactionEntity } from './persistence/sso-transaction.entity';
import { ThrottleCounterEntity } from './persistence/throttle-counter.entity';

export {
  ARGON2_DEFAULTS,
  ARGON2_FLOOR,
  Argon2PasswordHasher,
  type Argon2PasswordHasherOptions,
  type Argon2Parameters,
} from './credentials/argon2-password-hasher.adapter';
export { HmacKeyedHasher } from './credentials/hmac-keyed-hasher.adapter';
export { OtpauthTotp } from './credentials/otpauth-totp.adapter';
export {
  accountProfileContext,
  codeVerifierContext,
  signingKeyContext,
  totpSecretContext,
} from './persistence/sealed-context';
export { SqlThrottleStore } from './persistence/sql-throttle.store';
export { TypeormAccountRepository } from './persistence/typeorm-account.repository';
export { TypeormIdentityUnitOfWork } from './persistence/typeorm-identity-unit-of-work';
export { TypeormOrganisationRepository } from './persistence/typeorm-organisation.repository';
export { TypeormPendingStepRepository } from './persistence/typeorm-pending-step.repository';
export { TypeormSessionRepository } from './persistence/typeorm-session.repository';
export { TypeormSigningKeyStore } from './persistence/typeorm-signing-key.store';
export { TypeormSsoTransactionRepository } from './persistence/typeorm-sso-transaction.repository';
export { SystemClock } from './system-clock.adapter';
export {
  ACCESS_TOKEN_SIGNER_DEFAULTS,
  JoseAccessTokenSigner,
  type JoseAccessTokenSignerOptions,
} from './tokens/jose-access-token.signer';
export type { SigningKeyRecord, SigningKeyStore } from './tokens/signing-key.store';

/** What the identity service's PersistenceModule needs: its entities and migrations. */
export const IDENTITY_ENTITIES = [
  OrganisationEntity,
  AccountEntity,
  AccountRoleEntity,
  RecoveryCodeEntity,
  SessionEntity,
  RefreshTokenEntity,
  PendingStepEntity,
  ThrottleCounterEntity,
  SsoTransactionEntity,
  SigningKeyEntity,
];
export const IDENTITY_MIGRATIONS = [
  CreateAccountTables1733600000001,
  CreateSessionTables1733600000002,
  CreateThrottleCountersTable1733600000003,
  CreateSsoTransactionsTable1733600000004,
  CreateSigningKeysTable1733600000005,
  SealAccountProfile1733600000006,
];
export { IdentityInfraModule } from './identity-infra.module';
export { IDENTITY_INFRA_OPTIONS, type IdentityInfraOptions } from './identity-infra.options';
export {
  OPEN_ID_RELYING_PARTY_OPTIONS,
  type OpenIdRelyingPartyOptions,
} from './sso/openid-relying-party.options';
export { OpenIdRelyingParty } from './sso/openid-relying-party.adapter';
export type { SsoRejectionReason } from './sso/sso-rejection';
