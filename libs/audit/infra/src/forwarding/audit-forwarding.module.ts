import { type DynamicModule, Module } from '@nestjs/common';
import { AUDIT_FORWARDING_SETTINGS, type AuditForwardingOptions, AuditForwardingService } from './audit-forwarding.service';

/**
 * Streams the audit trail to a SIEM: an HTTPS webhook (Splunk HEC format, HMAC-signed) and/or syslog
 * over TLS, each followed by its own durable JetStream consumer. Requires MessagingModule in the app.
 * With neither destination configured it does nothing.
 */
@Module({})
export class AuditForwardingModule {
  static forRoot(options: AuditForwardingOptions): DynamicModule {
    return {
      module: AuditForwardingModule,
      providers: [{ provide: AUDIT_FORWARDING_SETTINGS, useValue: options }, AuditForwardingService],
      exports: [AuditForwardingService],
    };
  }
}
