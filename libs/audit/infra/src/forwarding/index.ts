export { AuditForwardingModule } from './audit-forwarding.module';
export { type AuditForwardingOptions, AuditForwardingService } from './audit-forwarding.service';
export {
  type AuditForwardingConfig,
  type AuditForwardingSettings,
  auditForwardingConfigShape,
  auditForwardingSettings,
} from './forwarding.config';
export { BATCH_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from './webhook/webhook-signature';
