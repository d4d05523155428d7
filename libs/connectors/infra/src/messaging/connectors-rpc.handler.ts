import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  type CallerInfo,
  CreateConnectorCommand,
  CreateConnectorUseCase,
  DeleteConnectorUseCase,
  ImportImapUsersUseCase,
  PurgeProjectCredentialsUseCase,
  ReadConnectorsUseCase,
  RotateSecretUseCase,
  TestConnectorUseCase,
  UpdateConnectorUseCase,
} from '@ferry/connectors/application';
import { type RequestContext, Rpc } from '@ferry/contracts';
import { AccessTokenVerifier } from '@ferry/platform/auth';
import { MessagingClient } from '@ferry/platform/messaging';
import type { Permission } from '@ferry/platform/rbac';
import { connectorMessage, settingsFromRequest } from './connector.message';
import { rpcCaller } from './rpc-caller';
import { asRpc } from './rpc-errors';

/** Serves the connectors' administration subjects: verify the caller again, build a command, delegate. */
@Injectable()
export class ConnectorsRpcHandler implements OnApplicationBootstrap {
  constructor(
    @Inject(MessagingClient) private readonly messaging: MessagingClient,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
    @Inject(CreateConnectorUseCase) private readonly create: CreateConnectorUseCase,
    @Inject(ReadConnectorsUseCase) private readonly read: ReadConnectorsUseCase,
    @Inject(UpdateConnectorUseCase) private readonly update: UpdateConnectorUseCase,
    @Inject(DeleteConnectorUseCase) private readonly remove: DeleteConnectorUseCase,
    @Inject(RotateSecretUseCase) private readonly rotate: RotateSecretUseCase,
    @Inject(ImportImapUsersUseCase) private readonly importUsers: ImportImapUsersUseCase,
    @Inject(TestConnectorUseCase) private readonly test: TestConnectorUseCase,
    @Inject(PurgeProjectCredentialsUseCase) private readonly purge: PurgeProjectCredentialsUseCase,
  ) {}

  private caller(orgId: string, context: RequestContext | undefined, permission: Permission): Promise<CallerInfo> {
    return rpcCaller(this.verifier, orgId, context, permission);
  }

  onApplicationBootstrap(): void {
    void this.messaging.serve(Rpc.connectors.create, async (req) => {
      const caller = await this.caller(req.orgId, req.context, 'connectors.manage');
      return asRpc(async () => {
        const command = CreateConnectorCommand.create({
          orgId: req.orgId,
          name: req.name,
          settings: settingsFromRequest(req),
          workloads: req.workloads,
          projectTag: req.projectTag,
          secret: req.secret,
          secretExpiresAt: req.secretExpiresAt ? timestampDate(req.secretExpiresAt) : null,
          ...(req.settings.case === 'google' && { adminUser: req.settings.value.adminUser }),
          caller,
        });
        const connector = await this.create.execute(command);
        return { connector: connectorMessage(connector, await this.read.view(connector)) };
      });
    });
    void this.messaging.serve(Rpc.connectors.list, async (req) => {
      await this.caller(req.orgId, req.context, 'connectors.read');
      return asRpc(async () => ({ connectors: (await this.read.list(req.orgId)).map((v) => connectorMessage(v.connector, v)) }));
    });
    void this.messaging.serve(Rpc.connectors.get, async (req) => {
      await this.caller(req.orgId, req.context, 'connectors.read');
      return asRpc(async () => {
        const view = await this.read.get(req.orgId, req.connectorId);
        return { connector: connectorMessage(view.connector, view) };
      });
    });
    void this.messaging.serve(Rpc.connectors.update, async (req) => {
      const ref = req.ref;
      const caller = await this.caller(ref?.orgId ?? '', ref?.context, 'connectors.manage');
      return asRpc(async () => {
        const connector = await this.update.execute({
          orgId: ref?.orgId ?? '',
          connectorId: ref?.connectorId ?? '',
          ...(req.name !== undefined && { name: req.name }),
          ...(req.replaceWorkloads && { workloads: req.workloads }),
          ...(req.projectTag !== undefined && { projectTag: req.projectTag }),
          expectedVersion: req.expectedVersion,
          caller,
        });
        return { connector: connectorMessage(connector, await this.read.view(connector)) };
      });
    });
    void this.messaging.serve(Rpc.connectors.delete, async (req) => {
      const caller = await this.caller(req.orgId, req.context, 'connectors.manage');
      return asRpc(async () => ({ secretsDeleted: await this.remove.execute({ orgId: req.orgId, connectorId: req.connectorId, caller }) }));
    });
    void this.messaging.serve(Rpc.connectors.rotateSecret, async (req) => {
      const ref = req.ref;
      const caller = await this.caller(ref?.orgId ?? '', ref?.context, 'connectors.manage');
      return asRpc(async () => {
        const connector = await this.rotate.execute({
          orgId: ref?.orgId ?? '',
          connectorId: ref?.connectorId ?? '',
          secret: req.secret,
          ...(req.certificatePem && { certificatePem: req.certificatePem }),
          expiresAt: req.expiresAt ? timestampDate(req.expiresAt) : null,
          caller,
        });
        return { connector: connectorMessage(connector, await this.read.view(connector)) };
      });
    });
    void this.messaging.serve(Rpc.connectors.importImapUsers, async (req) => {
      const ref = req.ref;
      const caller = await this.caller(ref?.orgId ?? '', ref?.context, 'connectors.manage');
      return asRpc(async () => {
        const result = await this.importUsers.execute({ orgId: ref?.orgId ?? '', connectorId: ref?.connectorId ?? '', csv: req.csv, replace: req.replace, caller });
        return { imported: result.imported, total: result.total, errors: result.errors.map((e) => ({ ...e })) };
      });
    });
    void this.messaging.serve(Rpc.connectors.test, async (req) => {
      const caller = await this.caller(req.orgId, req.context, 'connectors.manage');
      return asRpc(async () => {
        const report = await this.test.execute({ orgId: req.orgId, connectorId: req.connectorId, sampleMailbox: req.sampleMailbox, caller });
        return { ok: report.ok, durationMs: report.durationMs, findings: report.findings.map((f) => ({ check: f.check, status: f.status, detail: f.detail, remedy: f.remedy ?? '' })) };
      });
    });
    void this.messaging.serve(Rpc.connectors.purgeProject, async (req) => {
      const caller = await this.caller(req.orgId, req.context, 'connectors.manage');
      return asRpc(() => this.purge.execute({ orgId: req.orgId, projectTag: req.projectTag, caller }));
    });
  }
}
