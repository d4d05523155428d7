export { MessagingClient, STATUS_HEADER, type PublishOptions, type PublishResult, type RpcContext, type RpcHandler, type ServeOptions } from './messaging.client';
export { MessagingModule } from './messaging.module';
export { MESSAGING_OPTIONS, type MessagingLogger, type MessagingOptions, type MessagingTlsOptions } from './messaging.options';
export { type AuditEventDraft, publishAuditEvent } from './audit-publish';
export { PermanentMessageError, RpcException, RpcFailure } from './errors';
export { Naming } from './naming';
export { WorkConsumer, type WorkConsumerSpec, type WorkContext, type WorkHandler } from './work-consumer';
export { connectionOptions } from './connection-options';
export { backoffDelay } from './connect-with-backoff';
