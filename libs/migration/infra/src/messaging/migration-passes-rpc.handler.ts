import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { type Caller, type PassRef, Rpc } from '@ferry/contracts';
import {
  type ControlCaller,
  CONTROL_CLOCK,
  type ControlClock,
  ControlPassUseCase,
  type PassChange,
  ReadPassesUseCase,
  StartPassCommand,
  StartPassUseCase,
} from '@ferry/migration/application';
import { AccessTokenVerifier } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Permission } from '@ferry/platform/rbac';
import { nameOf, PASS_KIND, passMessage } from './migration.message';
import { migrationCaller } from './migration-rpc.caller';
import { asMigrationRpc } from './migration-rpc.errors';

/** Serves passes (`migration.v1.rpc.passes.*`): start or schedule, read, pause, resume, cancel. */
@Injectable()
export class MigrationPassesRpcHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
    @Inject(StartPassUseCase) private readonly start: StartPassUseCase,
    @Inject(ReadPassesUseCase) private readonly read: ReadPassesUseCase,
    @Inject(ControlPassUseCase) private readonly control: ControlPassUseCase,
    @Inject(CONTROL_CLOCK) private readonly clock: ControlClock,
  ) {}

  private caller(orgId: string, caller: Caller | undefined, permission: Permission): Promise<ControlCaller> {
    return migrationCaller(this.verifier, orgId, caller, permission);
  }

  /** Resolves once NATS has every subscription (start-up does not wait for it: readiness reports NATS). */
  served: Promise<void> = Promise.resolve();

  onApplicationBootstrap(): void {
    this.served = Promise.all([
      this.messaging.serve(Rpc.migration.startPass, async (req) => {
        const ref = req.ref;
        const caller = await this.caller(ref?.orgId ?? '', ref?.caller, 'migration.run');
        return asMigrationRpc(async () => {
          const command = StartPassCommand.create({
            orgId: ref?.orgId ?? '',
            projectId: ref?.projectId ?? '',
            kind: nameOf(PASS_KIND, req.kind),
            final: req.final,
            scheduledFor: req.scheduledFor ? timestampDate(req.scheduledFor) : null,
            now: this.clock.now(),
            caller,
          });
          return { pass: passMessage(await this.start.execute(command)) };
        });
      }),
      this.messaging.serve(Rpc.migration.listPasses, async (req) => {
        await this.caller(req.orgId, req.caller, 'migration.read');
        return asMigrationRpc(async () => ({
          passes: (await this.read.list({ orgId: req.orgId, projectId: req.projectId })).map(passMessage),
        }));
      }),
      this.messaging.serve(Rpc.migration.getPass, async (req) => {
        await this.caller(req.orgId, req.caller, 'migration.read');
        return asMigrationRpc(async () => ({ pass: passMessage(await this.read.get(req)) }));
      }),
      this.messaging.serve(Rpc.migration.pausePass, (req) => this.change(req, 'pause')),
      this.messaging.serve(Rpc.migration.resumePass, (req) => this.change(req, 'resume')),
      this.messaging.serve(Rpc.migration.cancelPass, (req) => this.change(req, 'cancel')),
    ]).then(() => undefined);
    // serve() fails only when the client closes first; the readiness probe reports the connection.
    void this.served.catch(() => undefined);
  }

  private async change(req: PassRef, change: PassChange) {
    const caller = await this.caller(req.orgId, req.caller, 'migration.run');
    return asMigrationRpc(async () => ({
      pass: passMessage(
        await this.control.execute({
          orgId: req.orgId,
          projectId: req.projectId,
          passId: req.passId,
          change,
          caller,
        }),
      ),
    }));
  }
}
