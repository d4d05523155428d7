// Mail: item vocabulary, idempotency, placement and target names.
export { idempotencyKey, isIdempotencyKey } from './mail/idempotency';
export type { TargetPlacement } from './mail/folder-plan';
export {
  DEFAULT_STATE,
  type Importance,
  type MailState,
  type MailSystem,
  type SourceFolder,
  type SourceItemSummary,
  type SystemFolder,
} from './mail/mail-item';
export { placeItem, type PlacementPolicy } from './mail/placement';
export { planTargetFolders, type TargetFolder } from './mail/target-folders';
export {
  categoryName,
  cleanName,
  FOLDER_NAME_LIMITS,
  isReservedRootName,
  type NameTarget,
  nameKey,
  sanitiseSegment,
  UNNAMED,
} from './mail/folder-names';
export {
  GMAIL_STATE_LABELS,
  gmailLabelKind,
  gmailLabelOfRole,
  gmailLabelsOfState,
  gmailRoleOfLabel,
  gmailStateOfLabels,
  type GmailLabelKind,
  graphRoleOfWellKnown,
  graphWellKnownOfRole,
  imapRoleOf,
} from './mail/system-folders';
// User mapping: CSV import and export.
export {
  describeMappingCsvError,
  MAPPING_CSV_LIMITS,
  type MappingCsvError,
  type MappingCsvResult,
  type MappingCsvRow,
  parseMappingCsv,
  writeMappingCsv,
} from './mapping/mapping-csv';
export { csvField, csvRecord, neutraliseFormula, restoreNeutralised } from './mapping/csv-cells';
export { type AddressProblem, MAX_ADDRESS_LENGTH, normaliseAddress } from './mapping/email-address';

// Passes: lifecycle.
export {
  checkPassAction,
  checkPassTransition,
  describePassRefusal,
  isPassFinished,
  PASS_STATUSES,
  PASS_TRANSITIONS,
  type PassAction,
  passSourcesOf,
  type PassStatus,
  type PassTransitionCheck,
  type PassTransitionRefusal,
} from './pass/pass-transitions';

// Progress: totals, percent, rates and ETA.
export {
  DEFAULT_RATE_OPTIONS,
  isComplete,
  processedOf,
  type ProgressCounts,
  progressEta,
  progressPercent,
  type ProgressRate,
  progressRate,
  type ProgressSample,
  type ProgressSummary,
  type RateOptions,
  recordSample,
  summariseProgress,
  sumProgress,
} from './progress/progress';

// Throttling: control laws (token buckets, AIMD, fair shares, lease sizing, the shared scope ledger).
export {
  type AimdParams,
  type AimdState,
  aimdFactor,
  aimdOnThrottle,
  assertValidAimd,
  concurrencyWindow,
  DEFAULT_AIMD,
  initialAimd,
} from './throttle/aimd';
export { maxMinShares } from './throttle/fair-share';
export {
  type DemandEstimate,
  demandPerMs,
  leaseBatch,
  leaseWant,
  NO_DEMAND,
  observeDemand,
} from './throttle/lease-sizing';
export {
  type BudgetAsk,
  freshLedger,
  liveHolders,
  nextHolderExpiry,
  NO_ASK,
  type ScopeLedger,
  type ScopePolicy,
  type ScopeShapes,
  scopeShapes,
  type SettleRequest,
  type Settlement,
  settle,
  type SlotHolder,
  type SlotView,
  slotView,
} from './throttle/scope-ledger';
export {
  assertValidBudget,
  type ByteRateLimit,
  DEFAULT_THROTTLE_BUDGETS,
  type RateLimit,
  SCOPE_KINDS,
  type ScopeBudget,
  type ThrottleScopeKind,
  type ThrottleVendor,
} from './throttle/throttle-budget';
export {
  type BucketLevel,
  type BucketShape,
  bucketShape,
  fullBucket,
  giveBack,
  msUntilAvailable,
  refill,
  takeLease,
} from './throttle/token-bucket';
