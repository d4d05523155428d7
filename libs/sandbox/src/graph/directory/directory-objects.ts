import type { SandboxRequest } from '../../http/sandbox-request';
import type { MicrosoftGroup, MicrosoftUser } from '../../state/directory';
import { badRequest } from '../odata';
import { filterProperties, isAdvanced, matchesFilter, parseFilter } from './odata-filter';

/** Properties Graph returns for a user when `$select` is absent (learn.microsoft.com/graph/api/user-list). */
export const USER_DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

/** A user with every property the sandbox knows; `$select` or the default set narrows it. */
export function userJson(u: MicrosoftUser): Record<string, unknown> {
  return {
    id: u.id,
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: u.jobTitle,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    accountEnabled: u.accountEnabled,
    mailNickname: u.userPrincipalName.split('@')[0] ?? '',
    proxyAddresses: [`SMTP:${u.mail}`],
    userType: 'Member',
    otherMails: [],
  };
}

export function groupJson(g: MicrosoftGroup): Record<string, unknown> {
  return {
    id: g.id,
    displayName: g.displayName,
    description: g.description,
    mail: g.mail,
    mailEnabled: true,
    mailNickname: g.mailNickname,
    securityEnabled: false,
    groupTypes: ['Unified'],
    visibility: 'Private',
    proxyAddresses: [`SMTP:${g.mail}`],
  };
}

/** Filterable properties per type; anything else is Graph's Request_UnsupportedQuery. */
const FILTERABLE: Readonly<Record<'User' | 'Group', readonly string[]>> = {
  User: [
    'id',
    'userPrincipalName',
    'mail',
    'displayName',
    'givenName',
    'surname',
    'jobTitle',
    'accountEnabled',
    'mailNickname',
    'userType',
  ],
  Group: ['id', 'displayName', 'mail', 'mailNickname', 'mailEnabled', 'securityEnabled'],
};

const isEventual = (req: SandboxRequest): boolean =>
  (req.raw.headers['consistencylevel'] ?? '').toString().toLowerCase() === 'eventual';

/**
 * Applies `$select` validation, `$filter`, `$orderby` and `$count`'s preconditions for a directory
 * collection. Advanced queries (ne, not, endsWith, `$count`) need `ConsistencyLevel: eventual`
 * (learn.microsoft.com/graph/aad-advanced-queries), and ne/not/endsWith also `$count=true`.
 */
export function queryDirectory(
  req: SandboxRequest,
  type: 'User' | 'Group',
  items: readonly Record<string, unknown>[],
  typeName: string,
): Record<string, unknown>[] {
  const sample =
    type === 'User'
      ? userJson({
          id: '',
          userPrincipalName: '',
          mail: '',
          displayName: '',
          givenName: '',
          surname: '',
          jobTitle: null,
          accountEnabled: true,
          password: '',
        })
      : groupJson({
          id: '',
          displayName: '',
          mail: '',
          mailNickname: '',
          description: null,
          members: new Set(),
        });
  checkSelect(req, Object.keys(sample), typeName);
  const count = req.query.get('$count');
  if (count !== null && count !== 'true' && count !== 'false')
    throw badRequest(`Invalid value '${count.slice(0, 20)}' for query parameter '$count'.`);
  if (count === 'true' && !isEventual(req))
    throw badRequest('$count is not currently supported.', 'Request_BadRequest');
  let out = [...items];
  const filter = req.query.get('$filter');
  if (filter !== null) {
    const tree = parseFilter(filter);
    for (const prop of filterProperties(tree)) {
      if (!FILTERABLE[type].includes(prop))
        throw badRequest(
          `Unsupported or invalid query filter clause specified for property '${prop}' of resource '${type}'.`,
          'Request_UnsupportedQuery',
        );
    }
    if (isAdvanced(tree) && (!isEventual(req) || count !== 'true')) {
      throw badRequest(
        "Unsupported Query. Advanced queries (ne, not, endsWith) need the $count=true query parameter and the 'ConsistencyLevel: eventual' header.",
        'Request_UnsupportedQuery',
      );
    }
    out = out.filter((i) => matchesFilter(tree, i));
  }
  const orderBy = req.query.get('$orderby');
  if (orderBy !== null) {
    const [prop = '', dir = 'asc'] = orderBy.trim().split(/\s+/);
    if (
      !['displayName', 'userPrincipalName', 'mail'].includes(prop) ||
      !['asc', 'desc'].includes(dir.toLowerCase())
    ) {
      throw badRequest(
        `Unsupported sort property '${prop.slice(0, 50)}' for '${type}'.`,
        'Request_UnsupportedQuery',
      );
    }
    const sign = dir.toLowerCase() === 'desc' ? -1 : 1;
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    out.sort((a, b) => sign * text(a[prop]).localeCompare(text(b[prop])));
  }
  return out;
}

/** Graph rejects `$select` of a property the type lacks, naming it. */
export function checkSelect(req: SandboxRequest, known: readonly string[], typeName: string): void {
  const raw = req.query.get('$select');
  if (!raw) return;
  for (const p of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!known.includes(p))
      throw badRequest(
        `Parsing OData Select and Expand failed: Could not find a property named '${p.slice(0, 80)}' on type '${typeName}'.`,
        'Request_BadRequest',
      );
  }
}

/** Without `$select`, only the default properties; with it, what `selectFields` keeps later. */
export function defaultProjection(
  req: SandboxRequest,
  item: Record<string, unknown>,
  defaults: readonly string[] | undefined,
): Record<string, unknown> {
  if (req.query.get('$select') || !defaults) return item;
  const out: Record<string, unknown> = {};
  for (const k of defaults) if (k in item) out[k] = item[k];
  return out;
}
