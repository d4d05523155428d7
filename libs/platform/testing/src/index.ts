export * from './nats-namespace';
export * from './nats-server';
export { createTestDatabase, DEFAULT_TEST_DATABASE_URL, type TestDatabase } from './test-database';
export { installSpanCapture, type SpanCapture, type SpanCaptureOptions } from './span-capture';
export * from './recording-logger';
export { auditEventText, dumpSchema, readAuditStream } from './recorded-state';
export { type ProcessRun, runTypeScriptProcess } from './typescript-process';
