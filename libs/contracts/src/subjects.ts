// The catalogue of every NATS subject Ferry uses. Subjects are versioned and never renamed: a new
// version is added beside the old one. The messaging library prefixes all of them with the
// installation prefix (FERRY_NATS_PREFIX), which is how test runs and co-tenant installs stay apart.
import {
  AuditRetentionResponseSchema,
  GetAuditRetentionRequestSchema,
  SetAuditRetentionRequestSchema,
  VerifyAuditChainRequestSchema,
  VerifyAuditChainResponseSchema,
} from './gen/ferry/audit/v1/audit_chain_pb';
import {
  ListAuditSessionEventsRequestSchema,
  ListAuditSessionEventsResponseSchema,
  QueryAuditEventsRequestSchema,
  QueryAuditEventsResponseSchema,
} from './gen/ferry/audit/v1/audit_query_pb';
import { AuditEventSchema } from './gen/ferry/audit/v1/audit_event_pb';
import {
  ImapLoginRequestSchema,
  ImapLoginResponseSchema,
  IssueTokenRequestSchema,
  IssueTokenResponseSchema,
} from './gen/ferry/connectors/v1/broker_pb';
import {
  ConnectorRefSchema,
  ConnectorResponseSchema,
  CreateConnectorRequestSchema,
  CreateConnectorResponseSchema,
  DeleteConnectorResponseSchema,
  ImportImapUsersRequestSchema,
  ImportImapUsersResponseSchema,
  ListConnectorsRequestSchema,
  ListConnectorsResponseSchema,
  PurgeProjectCredentialsRequestSchema,
  PurgeProjectCredentialsResponseSchema,
  RotateSecretRequestSchema,
  TestConnectorRequestSchema,
  TestConnectorResponseSchema,
  UpdateConnectorRequestSchema,
} from './gen/ferry/connectors/v1/connector_pb';
import {
  CompleteConsentRequestSchema,
  CompleteDelegationRequestSchema,
  OnboardingResultSchema,
  StartConsentRequestSchema,
  StartConsentResponseSchema,
  StartDelegationRequestSchema,
  StartDelegationResponseSchema,
  VerifyConsentRequestSchema,
} from './gen/ferry/connectors/v1/onboarding_pb';
import {
  AccountActionRequestSchema,
  AccountActionResponseSchema,
  AccountResponseSchema,
  ChangeRoleRequestSchema,
  CompleteMfaRequestSchema,
  CompleteSsoRequestSchema,
  CreateAccountRequestSchema,
  CreateOrganisationRequestSchema,
  CreateOrganisationResponseSchema,
  GetJwksRequestSchema,
  GetJwksResponseSchema,
  ListAccountsRequestSchema,
  ListAccountsResponseSchema,
  RefreshRequestSchema,
  RefreshResponseSchema,
  SignInResponseSchema,
  SignInWithPasswordRequestSchema,
  SignOutRequestSchema,
  SignOutResponseSchema,
  StartEnrolmentRequestSchema,
  StartEnrolmentResponseSchema,
  StartSsoRequestSchema,
  StartSsoResponseSchema,
  UpdateOrganisationRequestSchema,
  UpdateOrganisationResponseSchema,
  UpdateSsoRequestSchema,
  UpdateSsoResponseSchema,
  VerifyEnrolmentRequestSchema,
  VerifyEnrolmentResponseSchema,
} from './gen/ferry/identity/v1/identity_pb';
import {
  CreateProjectRequestSchema,
  DeleteProjectResponseSchema,
  GetProgressRequestSchema,
  GetProgressResponseSchema,
  GetReportResponseSchema,
  ImportMappingsRequestSchema,
  ImportMappingsResponseSchema,
  ListFailuresResponseSchema,
  ListMappingsRequestSchema,
  ListMappingsResponseSchema,
  ListPassesResponseSchema,
  ListProjectsRequestSchema,
  ListProjectsResponseSchema,
  PassPageRequestSchema,
  PassRefSchema,
  PassResponseSchema,
  ProjectRefSchema,
  ProjectResponseSchema,
  StartPassRequestSchema,
} from './gen/ferry/migration/v1/migration_pb';
import { WorkItemSchema } from './gen/ferry/migration/v1/work_pb';
import { DeadLetterSchema } from './gen/ferry/platform/v1/dead_letter_pb';
import type { EventContract, RpcContract, StreamContract } from './contract';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Streams declared in code; each service declares the ones it publishes to or consumes. */
export const Streams = {
  /** The audit trail: long retention so a SIEM consumer can replay it. */
  audit: {
    name: 'AUDIT',
    subjects: ['audit.v1.events.>'],
    retention: 'limits',
    maxAgeMs: 400 * DAY_MS,
    duplicateWindowMs: 10 * 60 * 1000,
    description: 'Audit events from every service, per region and organisation',
  },
  /** Messages consumers gave up on, kept for inspection and replay. */
  deadLetter: {
    name: 'DEADLETTER',
    subjects: ['platform.v1.deadletter.>'],
    retention: 'limits',
    maxAgeMs: 30 * DAY_MS,
    duplicateWindowMs: 2 * 60 * 1000,
    description: 'Undecodable or repeatedly failing messages, with the reason',
  },
  /**
   * Migration work items: work-queue retention (an item is gone once a worker acked it), one subject
   * branch per organisation and project so workers take turns between them. Ids only, no content.
   */
  migrationWork: {
    name: 'MIGRATION_WORK',
    subjects: ['migration.v1.work.>'],
    retention: 'workqueue',
    maxAgeMs: 30 * DAY_MS,
    duplicateWindowMs: 10 * 60 * 1000,
    description: 'Migration work items (plan a mailbox, copy a batch), per organisation and project',
  },
} as const satisfies Record<string, StreamContract>;

/** Request/reply subjects (core NATS, queue group = the serving service's name). */
export const Rpc = {
  connectors: {
    create: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.create',
      request: CreateConnectorRequestSchema,
      response: CreateConnectorResponseSchema,
    },
    list: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.list',
      request: ListConnectorsRequestSchema,
      response: ListConnectorsResponseSchema,
    },
    get: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.get',
      request: ConnectorRefSchema,
      response: ConnectorResponseSchema,
    },
    update: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.update',
      request: UpdateConnectorRequestSchema,
      response: ConnectorResponseSchema,
    },
    delete: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.delete',
      request: ConnectorRefSchema,
      response: DeleteConnectorResponseSchema,
    },
    rotateSecret: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.secret.rotate',
      request: RotateSecretRequestSchema,
      response: ConnectorResponseSchema,
    },
    importImapUsers: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.imap.users.import',
      request: ImportImapUsersRequestSchema,
      response: ImportImapUsersResponseSchema,
    },
    test: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.test',
      request: TestConnectorRequestSchema,
      response: TestConnectorResponseSchema,
    },
    purgeProject: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.project.purge',
      request: PurgeProjectCredentialsRequestSchema,
      response: PurgeProjectCredentialsResponseSchema,
    },
    startConsent: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.consent.start',
      request: StartConsentRequestSchema,
      response: StartConsentResponseSchema,
    },
    completeConsent: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.consent.complete',
      request: CompleteConsentRequestSchema,
      response: OnboardingResultSchema,
    },
    verifyConsent: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.consent.verify',
      request: VerifyConsentRequestSchema,
      response: OnboardingResultSchema,
    },
    startDelegation: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.delegation.start',
      request: StartDelegationRequestSchema,
      response: StartDelegationResponseSchema,
    },
    completeDelegation: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.delegation.complete',
      request: CompleteDelegationRequestSchema,
      response: OnboardingResultSchema,
    },
  },
  /**
   * The token broker: service-to-service only (a service assertion in every request). Its own subject
   * branch, so NATS permissions can let only migration, freebusy and mailrouting publish to it.
   */
  broker: {
    token: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.broker.token',
      request: IssueTokenRequestSchema,
      response: IssueTokenResponseSchema,
    },
    imapLogin: {
      kind: 'rpc',
      subject: 'connectors.v1.rpc.broker.imap',
      request: ImapLoginRequestSchema,
      response: ImapLoginResponseSchema,
    },
  },
  /** Sign-in, sessions, accounts and roles; served by the identity service. */
  identity: {
    signInWithPassword: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.signin.password',
      request: SignInWithPasswordRequestSchema,
      response: SignInResponseSchema,
    },
    completeMfa: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.signin.mfa',
      request: CompleteMfaRequestSchema,
      response: SignInResponseSchema,
    },
    startEnrolment: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.mfa.enrol.start',
      request: StartEnrolmentRequestSchema,
      response: StartEnrolmentResponseSchema,
    },
    verifyEnrolment: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.mfa.enrol.verify',
      request: VerifyEnrolmentRequestSchema,
      response: VerifyEnrolmentResponseSchema,
    },
    refresh: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.token.refresh',
      request: RefreshRequestSchema,
      response: RefreshResponseSchema,
    },
    signOut: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.signout',
      request: SignOutRequestSchema,
      response: SignOutResponseSchema,
    },
    startSso: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.sso.start',
      request: StartSsoRequestSchema,
      response: StartSsoResponseSchema,
    },
    completeSso: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.sso.callback',
      request: CompleteSsoRequestSchema,
      response: SignInResponseSchema,
    },
    updateSso: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.sso.update',
      request: UpdateSsoRequestSchema,
      response: UpdateSsoResponseSchema,
    },
    jwks: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.jwks.get',
      request: GetJwksRequestSchema,
      response: GetJwksResponseSchema,
    },
    createOrganisation: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.orgs.create',
      request: CreateOrganisationRequestSchema,
      response: CreateOrganisationResponseSchema,
    },
    updateOrganisation: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.orgs.update',
      request: UpdateOrganisationRequestSchema,
      response: UpdateOrganisationResponseSchema,
    },
    createAccount: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.accounts.create',
      request: CreateAccountRequestSchema,
      response: AccountResponseSchema,
    },
    listAccounts: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.accounts.list',
      request: ListAccountsRequestSchema,
      response: ListAccountsResponseSchema,
    },
    grantRole: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.roles.grant',
      request: ChangeRoleRequestSchema,
      response: AccountResponseSchema,
    },
    revokeRole: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.roles.revoke',
      request: ChangeRoleRequestSchema,
      response: AccountResponseSchema,
    },
    revokeSessions: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.sessions.revoke',
      request: AccountActionRequestSchema,
      response: AccountActionResponseSchema,
    },
    resetMfa: {
      kind: 'rpc',
      subject: 'identity.v1.rpc.mfa.reset',
      request: AccountActionRequestSchema,
      response: AccountActionResponseSchema,
    },
  },
  /**
   * The migration control plane (projects, user mappings, passes, progress, reports); served by the
   * migration service, which verifies the caller's token again and scopes everything by its organisation.
   */
  migration: {
    createProject: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.projects.create',
      request: CreateProjectRequestSchema,
      response: ProjectResponseSchema,
    },
    listProjects: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.projects.list',
      request: ListProjectsRequestSchema,
      response: ListProjectsResponseSchema,
    },
    getProject: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.projects.get',
      request: ProjectRefSchema,
      response: ProjectResponseSchema,
    },
    deleteProject: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.projects.delete',
      request: ProjectRefSchema,
      response: DeleteProjectResponseSchema,
    },
    importMappings: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.mappings.import',
      request: ImportMappingsRequestSchema,
      response: ImportMappingsResponseSchema,
    },
    listMappings: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.mappings.list',
      request: ListMappingsRequestSchema,
      response: ListMappingsResponseSchema,
    },
    startPass: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.passes.start',
      request: StartPassRequestSchema,
      response: PassResponseSchema,
    },
    listPasses: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.passes.list',
      request: ProjectRefSchema,
      response: ListPassesResponseSchema,
    },
    getPass: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.passes.get',
      request: PassRefSchema,
      response: PassResponseSchema,
    },
    pausePass: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.passes.pause',
      request: PassRefSchema,
      response: PassResponseSchema,
    },
    resumePass: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.passes.resume',
      request: PassRefSchema,
      response: PassResponseSchema,
    },
    cancelPass: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.passes.cancel',
      request: PassRefSchema,
      response: PassResponseSchema,
    },
    progress: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.progress.get',
      request: GetProgressRequestSchema,
      response: GetProgressResponseSchema,
    },
    report: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.reports.get',
      request: PassPageRequestSchema,
      response: GetReportResponseSchema,
    },
    failures: {
      kind: 'rpc',
      subject: 'migration.v1.rpc.reports.failures',
      request: PassPageRequestSchema,
      response: ListFailuresResponseSchema,
    },
  },
  audit: {
    /** An organisation's records, newest first, filtered (time, actor, action prefix, target, outcome) and paged. */
    query: {
      kind: 'rpc',
      subject: 'audit.v1.rpc.query',
      request: QueryAuditEventsRequestSchema,
      response: QueryAuditEventsResponseSchema,
    },
    /** One sign-in session's records (sign-in, API calls, refreshes, sign-out), oldest first, paged. */
    sessionEvents: {
      kind: 'rpc',
      subject: 'audit.v1.rpc.sessions.events',
      request: ListAuditSessionEventsRequestSchema,
      response: ListAuditSessionEventsResponseSchema,
    },
    /** Verifies a range of an organisation's hash chain; may take seconds for a long range. */
    verify: {
      kind: 'rpc',
      subject: 'audit.v1.rpc.verify',
      request: VerifyAuditChainRequestSchema,
      response: VerifyAuditChainResponseSchema,
    },
    getRetention: {
      kind: 'rpc',
      subject: 'audit.v1.rpc.retention.get',
      request: GetAuditRetentionRequestSchema,
      response: AuditRetentionResponseSchema,
    },
    setRetention: {
      kind: 'rpc',
      subject: 'audit.v1.rpc.retention.set',
      request: SetAuditRetentionRequestSchema,
      response: AuditRetentionResponseSchema,
    },
  },
} as const satisfies Record<string, Record<string, RpcContract>>;

/** Durable event subjects on JetStream. */
export const Events = {
  /** `audit.v1.events.<region>.<org>`; `org` is `platform` for installation-level actions. */
  audit: {
    kind: 'event',
    stream: Streams.audit,
    schema: AuditEventSchema,
    base: 'audit.v1.events',
    params: ['region', 'org'],
  },
  /** `platform.v1.deadletter.<stream>` */
  deadLetter: {
    kind: 'event',
    stream: Streams.deadLetter,
    schema: DeadLetterSchema,
    base: 'platform.v1.deadletter',
    params: ['stream'],
  },
  /** `migration.v1.work.<org>.<project>.<kind>` with kind `plan` or `copy`. */
  migrationWork: {
    kind: 'event',
    stream: Streams.migrationWork,
    schema: WorkItemSchema,
    base: 'migration.v1.work',
    params: ['org', 'project', 'kind'],
  },
} as const satisfies Record<string, EventContract>;
