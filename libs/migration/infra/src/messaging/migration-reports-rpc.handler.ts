import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { type Caller, Rpc } from '@ferry/contracts';
import { ReadProgressUseCase, ReadReportUseCase } from '@ferry/migration/application';
import { AccessTokenVerifier } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Permission } from '@ferry/platform/rbac';
import {
  countsMessage,
  failureMessage,
  mailboxMessage,
  passMessage,
  throughputMessage,
} from './migration.message';
import { migrationCaller } from './migration-rpc.caller';
import { asMigrationRpc } from './migration-rpc.errors';

/** Serves progress (`migration.v1.rpc.progress.get`, migration.read) and pass reports (`migration.v1.rpc.reports.*`, reports.read). */
@Injectable()
export class MigrationReportsRpcHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
    @Inject(ReadProgressUseCase) private readonly progress: ReadProgressUseCase,
    @Inject(ReadReportUseCase) private readonly reports: ReadReportUseCase,
  ) {}

  private async authorize(orgId: string, caller: Caller | undefined, permission: Permission): Promise<void> {
    await migrationCaller(this.verifier, orgId, caller, permission);
  }

  /** Resolves once NATS has every subscription (start-up does not wait for it: readiness reports NATS). */
  served: Promise<void> = Promise.resolve();

  onApplicationBootstrap(): void {
    this.served = Promise.all([
      this.messaging.serve(Rpc.migration.progress, async (req) => {
        const ref = req.ref;
        await this.authorize(ref?.orgId ?? '', ref?.caller, 'migration.read');
        return asMigrationRpc(async () => {
          const p = await this.progress.execute({
            orgId: ref?.orgId ?? '',
            projectId: ref?.projectId ?? '',
            passId: req.passId || null,
            mappingId: req.mappingId || null,
            offset: req.offset,
            limit: req.limit,
          });
          return {
            ...(p.pass && { pass: passMessage(p.pass) }),
            totals: countsMessage(p.totals),
            throughput: throughputMessage(p.figures),
            mailboxes: { ...p.mailboxes },
            mappings: p.rows.map(mailboxMessage),
          };
        });
      }),
      this.messaging.serve(Rpc.migration.report, async (req) => {
        const ref = req.ref;
        await this.authorize(ref?.orgId ?? '', ref?.caller, 'reports.read');
        return asMigrationRpc(async () => {
          const r = await this.reports.report({
            orgId: ref?.orgId ?? '',
            projectId: ref?.projectId ?? '',
            passId: ref?.passId ?? '',
            offset: req.offset,
            limit: req.limit,
          });
          return {
            pass: passMessage(r.pass),
            totals: countsMessage(r.totals),
            totalRows: r.totalRows,
            rows: r.rows.map(mailboxMessage),
          };
        });
      }),
      this.messaging.serve(Rpc.migration.failures, async (req) => {
        const ref = req.ref;
        await this.authorize(ref?.orgId ?? '', ref?.caller, 'reports.read');
        return asMigrationRpc(async () => {
          const f = await this.reports.failures({
            orgId: ref?.orgId ?? '',
            projectId: ref?.projectId ?? '',
            passId: ref?.passId ?? '',
            offset: req.offset,
            limit: req.limit,
          });
          return { items: f.items.map(failureMessage), hasMore: f.hasMore };
        });
      }),
    ]).then(() => undefined);
    // serve() fails only when the client closes first; the readiness probe reports the connection.
    void this.served.catch(() => undefined);
  }
}
