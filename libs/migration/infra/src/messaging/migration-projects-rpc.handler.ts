import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { type Caller, Rpc } from '@ferry/contracts';
import {
  type ControlCaller,
  CreateProjectCommand,
  CreateProjectUseCase,
  DeleteProjectUseCase,
  ImportMappingsUseCase,
  ReadMappingsUseCase,
  ReadProjectsUseCase,
} from '@ferry/migration/application';
import { AccessTokenVerifier } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Permission } from '@ferry/platform/rbac';
import { deletionPolicyName, extraLabelsName, mappingMessage, projectMessage } from './migration.message';
import { migrationCaller } from './migration-rpc.caller';
import { asMigrationRpc } from './migration-rpc.errors';

/** Serves projects and user mappings (`migration.v1.rpc.projects.*`, `.mappings.*`): verify the caller again, build a command, delegate. */
@Injectable()
export class MigrationProjectsRpcHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
    @Inject(CreateProjectUseCase) private readonly create: CreateProjectUseCase,
    @Inject(ReadProjectsUseCase) private readonly read: ReadProjectsUseCase,
    @Inject(DeleteProjectUseCase) private readonly remove: DeleteProjectUseCase,
    @Inject(ImportMappingsUseCase) private readonly importMappings: ImportMappingsUseCase,
    @Inject(ReadMappingsUseCase) private readonly readMappings: ReadMappingsUseCase,
  ) {}

  private caller(orgId: string, caller: Caller | undefined, permission: Permission): Promise<ControlCaller> {
    return migrationCaller(this.verifier, orgId, caller, permission);
  }

  /** Resolves once NATS has every subscription (start-up does not wait for it: readiness reports NATS). */
  served: Promise<void> = Promise.resolve();

  onApplicationBootstrap(): void {
    this.served = Promise.all([
      this.messaging.serve(Rpc.migration.createProject, async (req) => {
        const caller = await this.caller(req.orgId, req.caller, 'migration.run');
        return asMigrationRpc(async () => {
          const command = CreateProjectCommand.create({
            orgId: req.orgId,
            name: req.name,
            sourceConnectorId: req.sourceConnectorId,
            targetConnectorId: req.targetConnectorId,
            workloads: req.workloads,
            deletionPolicy: deletionPolicyName(req.deletionPolicy),
            extraLabels: extraLabelsName(req.extraLabels),
            caller,
          });
          return { project: projectMessage(await this.create.execute(command)) };
        });
      }),
      this.messaging.serve(Rpc.migration.listProjects, async (req) => {
        await this.caller(req.orgId, req.caller, 'migration.read');
        return asMigrationRpc(async () => ({
          projects: (await this.read.list(req.orgId)).map(projectMessage),
        }));
      }),
      this.messaging.serve(Rpc.migration.getProject, async (req) => {
        await this.caller(req.orgId, req.caller, 'migration.read');
        return asMigrationRpc(async () => ({
          project: projectMessage(await this.read.get(req.orgId, req.projectId)),
        }));
      }),
      this.messaging.serve(Rpc.migration.deleteProject, async (req) => {
        const caller = await this.caller(req.orgId, req.caller, 'migration.run');
        return asMigrationRpc(async () => {
          await this.remove.execute({ orgId: req.orgId, projectId: req.projectId, caller });
          return {};
        });
      }),
      this.messaging.serve(Rpc.migration.importMappings, async (req) => {
        const ref = req.ref;
        const caller = await this.caller(ref?.orgId ?? '', ref?.caller, 'migration.run');
        return asMigrationRpc(() =>
          this.importMappings.execute({
            orgId: ref?.orgId ?? '',
            projectId: ref?.projectId ?? '',
            csv: req.csv,
            caller,
          }),
        );
      }),
      this.messaging.serve(Rpc.migration.listMappings, async (req) => {
        const ref = req.ref;
        await this.caller(ref?.orgId ?? '', ref?.caller, 'migration.read');
        return asMigrationRpc(async () => {
          const page = await this.readMappings.list({
            orgId: ref?.orgId ?? '',
            projectId: ref?.projectId ?? '',
            offset: req.offset,
            limit: req.limit,
          });
          return { mappings: page.mappings.map(mappingMessage), total: page.total };
        });
      }),
    ]).then(() => undefined);
    // serve() fails only when the client closes first; the readiness probe reports the connection.
    void this.served.catch(() => undefined);
  }
}
