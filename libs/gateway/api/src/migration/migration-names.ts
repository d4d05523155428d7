import {
  DeletionPolicy,
  ExtraLabelPolicy,
  MailSystem,
  MappingStatus,
  PassKind,
  PassStatus,
} from '@ferry/contracts';

// The API names enum values in lower case; the bus carries the proto enums (see connector-names.ts).

export const SYSTEM = {
  google: MailSystem.GOOGLE,
  microsoft: MailSystem.MICROSOFT,
  imap: MailSystem.IMAP,
} as const;
export const DELETION_POLICY = { keep: DeletionPolicy.KEEP, mirror: DeletionPolicy.MIRROR } as const;
export const EXTRA_LABELS = {
  categories: ExtraLabelPolicy.CATEGORIES,
  ignore: ExtraLabelPolicy.IGNORE,
} as const;
export const PASS_KIND = { full: PassKind.FULL, delta: PassKind.DELTA } as const;
export const PASS_STATUS = {
  scheduled: PassStatus.SCHEDULED,
  running: PassStatus.RUNNING,
  paused: PassStatus.PAUSED,
  cancelled: PassStatus.CANCELLED,
  completed: PassStatus.COMPLETED,
  failed: PassStatus.FAILED,
} as const;
export const MAPPING_STATUS = {
  pending: MappingStatus.PENDING,
  planning: MappingStatus.PLANNING,
  running: MappingStatus.RUNNING,
  done: MappingStatus.DONE,
  failed: MappingStatus.FAILED,
} as const;

/** Pass statuses after which nothing changes any more: a live stream ends there. */
export const ENDED_PASS_STATUSES: readonly PassStatus[] = [
  PassStatus.CANCELLED,
  PassStatus.COMPLETED,
  PassStatus.FAILED,
];
