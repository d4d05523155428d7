import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { CreateConnectorRequestSchema } from '@ferry/contracts';
import { z } from 'zod';
import { instantField, nameField, pemField, projectTagField, secretField, text, workloadsField } from './connector-fields';
import { GOOGLE_AUTH, IMAP_AUTH, IMAP_SECURITY, KIND, KIND_NAMES, type KindName, MICROSOFT_AUTH } from './connector-names';

const MicrosoftBody = z
  .object({
    // admin-consent connectors are created by the consent flow, not by this body.
    auth: z.enum(['certificate', 'client-secret', 'delegated']),
    tenantId: text(64),
    clientId: text(64),
    cloud: z.enum(['global', 'usgov', 'usgov-dod', 'china', 'custom']).optional(),
    authorityHost: text(2048).optional(),
    graphOrigin: text(2048).optional(),
    certificatePem: pemField().optional(),
  })
  .strict();

const GoogleBody = z
  .object({
    auth: z.enum(['service-account', 'delegated']),
    customerId: text(64),
    adminUser: text(320).optional(),
    oauthClientId: text(256).optional(),
  })
  .strict();

const ImapBody = z
  .object({
    host: text(253),
    port: z.number().int().min(1).max(65535),
    security: z.enum(['implicit-tls', 'starttls']),
    auth: z.enum(['per-user', 'master-user']),
    masterUser: text(128).optional(),
    masterSeparator: z.string().length(1).optional(),
    caCertificatePem: pemField().optional(),
  })
  .strict();

/** Which settings object each kind takes. */
const SETTINGS_OF: Record<KindName, 'microsoft' | 'google' | 'imap'> = { 'microsoft-365': 'microsoft', 'google-workspace': 'google', imap: 'imap' };

/**
 * Body of POST /api/v1/orgs/{org}/connectors: the connector, its kind's settings (exactly the one
 * matching `kind`) and its primary secret, which is write-only from here on.
 */
export const CreateConnectorBody = z
  .object({
    name: nameField(),
    kind: z.enum(KIND_NAMES),
    workloads: workloadsField(),
    projectTag: projectTagField().optional(),
    secret: secretField().optional(),
    secretExpiresAt: instantField().optional(),
    microsoft: MicrosoftBody.optional(),
    google: GoogleBody.optional(),
    imap: ImapBody.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const wanted = SETTINGS_OF[body.kind];
    for (const [kind, key] of Object.entries(SETTINGS_OF)) {
      if (key === wanted && body[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required for kind ${body.kind}` });
      if (key !== wanted && body[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `only for kind ${kind}; this connector is ${body.kind}` });
    }
  });
export type CreateConnectorBody = z.infer<typeof CreateConnectorBody>;

type CreateRequestInit = MessageInitShape<typeof CreateConnectorRequestSchema>;

/** The create request for a validated body, on behalf of the caller in `context`. */
export function createRequestOf(orgId: string, body: CreateConnectorBody, context: CreateRequestInit['context']): CreateRequestInit {
  return {
    orgId,
    context,
    name: body.name,
    kind: KIND[body.kind],
    workloads: body.workloads,
    projectTag: body.projectTag ?? '',
    secret: body.secret ?? '',
    ...(body.secretExpiresAt && { secretExpiresAt: timestampFromDate(new Date(body.secretExpiresAt)) }),
    settings: settingsOf(body),
  };
}

function settingsOf(body: CreateConnectorBody): CreateRequestInit['settings'] {
  if (body.microsoft) {
    const m = body.microsoft;
    return {
      case: 'microsoft',
      value: {
        auth: MICROSOFT_AUTH[m.auth],
        tenantId: m.tenantId,
        clientId: m.clientId,
        cloud: m.cloud ?? 'global',
        authorityHost: m.authorityHost ?? '',
        graphOrigin: m.graphOrigin ?? '',
        certificatePem: m.certificatePem ?? '',
      },
    };
  }
  if (body.google) {
    const g = body.google;
    return { case: 'google', value: { auth: GOOGLE_AUTH[g.auth], customerId: g.customerId, adminUser: g.adminUser ?? '', oauthClientId: g.oauthClientId ?? '' } };
  }
  if (body.imap) {
    const i = body.imap;
    return {
      case: 'imap',
      value: {
        host: i.host,
        port: i.port,
        security: IMAP_SECURITY[i.security],
        auth: IMAP_AUTH[i.auth],
        masterUser: i.masterUser ?? '',
        masterSeparator: i.masterSeparator ?? '',
        caCertificatePem: i.caCertificatePem ?? '',
      },
    };
  }
  // Unreachable after validation: the body requires the settings of its kind.
  throw new Error('a validated create body carries settings');
}
