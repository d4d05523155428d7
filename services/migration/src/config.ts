import { baseServiceSchema, defaultedVar, enumValue, integerValue, optionalVar, patternValue, serviceKeyFileField, withDatabase } from '@ferry/platform/config';

const httpsOrigin = (what: string) => patternValue(/^https:\/\/[^\s/]{1,253}\/?$/, `an https:// origin (${what})`);
const list = (what: string) => patternValue(/^[A-Za-z0-9.:/,_ -]{1,4000}$/, `a comma-separated list of ${what}`);

/**
 * The migration service's settings: the base, its database, its role (planner, worker or both), its
 * service key for the token broker, the outbound SSRF lists, the provider API origins, and the worker's
 * limits (how much it carries at once, and how large a batch is).
 */
export const configSchema = withDatabase(baseServiceSchema).extend({
  /** `planner` serves the API and plans; `worker` carries items; `all` does both (one machine). */
  FERRY_MIGRATION_ROLE: defaultedVar(enumValue(['all', 'planner', 'worker']), 'all'),
  FERRY_SERVICE_KEY_FILE: serviceKeyFileField(),
  FERRY_OUTBOUND_ALLOW: optionalVar(list('host names, IP addresses or CIDR blocks')),
  FERRY_OUTBOUND_DENY: optionalVar(list('IP addresses or CIDR blocks (e.g. the cluster service CIDR)')),
  FERRY_GRAPH_ORIGIN: defaultedVar(httpsOrigin('Microsoft Graph'), 'https://graph.microsoft.com'),
  FERRY_GOOGLE_API_ROOT: defaultedVar(httpsOrigin('the Google APIs root'), 'https://www.googleapis.com/'),
  /** Work items one worker replica handles at once. */
  FERRY_WORKER_CONCURRENCY: defaultedVar(integerValue({ min: 1, max: 256 }), 8),
  /** Copy batches of one mailbox one worker replica carries at once while other mailboxes' batches wait. */
  FERRY_WORKER_MAILBOX_BATCHES: defaultedVar(integerValue({ min: 1, max: 64 }), 1),
  /** Messages of one batch carried at once. */
  FERRY_WORKER_ITEM_CONCURRENCY: defaultedVar(integerValue({ min: 1, max: 64 }), 4),
  FERRY_BATCH_ITEMS: defaultedVar(integerValue({ min: 1, max: 1000 }), 50),
  FERRY_BATCH_MIB: defaultedVar(integerValue({ min: 1, max: 4096, unit: 'MiB' }), 64),
  /** V8 heap growth between full collections for the worker role, in percent; 0 keeps V8's own (memory against CPU, see the README). */
  FERRY_WORKER_HEAP_GROWING_PERCENT: defaultedVar(integerValue({ min: 0, max: 400 }), 0),
  /** Messages below this size are parsed in memory in one pass; larger ones are streamed twice. */
  FERRY_SMALL_MESSAGE_MIB: defaultedVar(integerValue({ min: 1, max: 32, unit: 'MiB' }), 3),
});
