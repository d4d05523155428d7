export { idempotencyKey, isIdempotencyKey } from './mail/idempotency';
export type { TargetPlacement } from './mail/folder-plan';
export { DEFAULT_STATE, type Importance, type MailState, type MailSystem, type SourceFolder, type SourceItemSummary, type SystemFolder } from './mail/mail-item';
