import { type Connector, ConnectorKind } from '@ferry/contracts';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { z } from 'zod';

const KIND_NAMES = { 'microsoft-365': ConnectorKind.MICROSOFT_365, 'google-workspace': ConnectorKind.GOOGLE_WORKSPACE, imap: ConnectorKind.IMAP } as const;
type KindName = keyof typeof KIND_NAMES;

/** Body of POST /api/v1/orgs/{org}/connectors. Lengths are checked again by the connectors service. */
export const CreateConnectorBody = z
  .object({
    name: z.string().min(1).max(400),
    kind: z.enum(Object.keys(KIND_NAMES) as [KindName, ...KindName[]]),
    secret: z.string().min(1).max(64 * 1024),
  })
  .strict();
export type CreateConnectorBody = z.infer<typeof CreateConnectorBody>;

export function kindFromName(name: KindName): ConnectorKind {
  return KIND_NAMES[name];
}

function kindName(kind: ConnectorKind): string {
  return (Object.entries(KIND_NAMES).find(([, v]) => v === kind)?.[0]) ?? 'unspecified';
}

/** The connector as the API shows it: metadata only, the secret's fingerprint instead of the secret. */
export function connectorView(c: Connector) {
  return {
    id: c.id,
    orgId: c.orgId,
    name: c.name,
    kind: kindName(c.kind),
    createdAt: c.createdAt ? timestampDate(c.createdAt).toISOString() : null,
    secretFingerprint: c.secretFingerprint,
  };
}
