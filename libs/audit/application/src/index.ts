export * from './append-audit-event.usecase';
export * from './audit-append.batcher';
export * from './audit-event.columns';
export { AUDIT_PAGE_MAX_BYTES } from './audit-page';
export * from './audit-retention.usecase';
export * from './audit.ports';
export * from './chain-checkpointer';
export * from './list-session-events.usecase';
export * from './purge-audit-records.usecase';
export * from './query-audit-events.usecase';
export * from './verify-audit-chain.usecase';
// Fakes and fixtures for the audit libraries' own specs (small; no I/O).
export { auditEventFixture, testEventId } from './testing/audit-event.fixture';
export { EphemeralChainSigner, MemoryAuditStore, MemoryChainWitness } from './testing/memory-audit.store';
export { memoryAuditChain } from './testing/audit-use-cases.fixture';
