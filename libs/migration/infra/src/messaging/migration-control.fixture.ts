import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type AuditEvent,
  ConnectorKind,
  ConnectorStatus,
  type ConnectorRef,
  Rpc,
  RpcErrorCode,
  Streams,
} from '@ferry/contracts';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test fixture: the in-memory work queue records what was queued
import { MemoryWorkQueue } from '@ferry/migration/testing';
import { AuthModule } from '@ferry/platform/auth';
import { MessagingClient, MessagingModule, RpcException, RpcFailure } from '@ferry/platform/messaging';
// eslint-disable-next-line @nx/enforce-module-boundaries -- test fixture: real NATS namespace, database and audit stream
import {
  createTestDatabase,
  natsTestNamespace,
  readAuditStream,
  TEST_NATS_URL,
} from '@ferry/platform/testing';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { DataSource } from 'typeorm';
import { openMigrationDatabase } from '../persistence/migration-database.fixture';
import { TypeormProjectRepository } from '../persistence/typeorm-project.repository';
import { TypeormRunStore } from '../persistence/typeorm-run.store';
import { MigrationControlModule } from './migration-control.module';
import { MigrationPassesRpcHandler } from './migration-passes-rpc.handler';
import { MigrationProjectsRpcHandler } from './migration-projects-rpc.handler';
import { MigrationReportsRpcHandler } from './migration-reports-rpc.handler';

export const ISSUER = 'urn:ferry:identity:migration-control-test';
export const REGION = 'test';
export const ORG = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
export const OTHER_ORG = '8d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a';

/** A connector as the stand-in connectors service knows it. */
export interface StandInConnector {
  readonly id: string;
  readonly orgId: string;
  readonly kind: ConnectorKind;
  readonly workloads?: string[];
}

/** The control plane's RPC handlers in one Nest context over real NATS and PostgreSQL, with identity and connectors faked on the bus. */
export interface ControlPlaneUnderTest {
  readonly app: INestApplicationContext;
  /** A NATS client of the same installation, as the gateway is. */
  readonly peer: MessagingClient;
  readonly projects: TypeormProjectRepository;
  /** The workers' side of the run state, to move passes on. */
  readonly runs: TypeormRunStore;
  readonly queue: MemoryWorkQueue;
  readonly db: DataSource;
  /** What the stand-in connectors service was asked. */
  readonly connectorRequests: ConnectorRef[];
  readonly connectors: StandInConnector[];
  accessToken(options?: { org?: string; roles?: string[]; account?: string }): Promise<string>;
  auditEvents(): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

export async function startControlPlane(label: string): Promise<ControlPlaneUnderTest> {
  const undo: (() => Promise<unknown> | void)[] = [];
  const close = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    const ns = natsTestNamespace(label);
    undo.push(() => ns.cleanup());
    const database = await createTestDatabase(label);
    undo.push(() => database.drop());
    const db = await openMigrationDatabase(database.url);
    undo.push(() => db.destroy());
    const projects = new TypeormProjectRepository(db);
    const runs = new TypeormRunStore(db, (address) => `pseudo:${address.length}`);
    const queue = new MemoryWorkQueue();
    const bus = { servers: [TEST_NATS_URL], region: REGION, prefix: ns.prefix };

    // Identity's JWKS and the connectors service's `get`, as those services answer them.
    const identityKey = await generateKeyPair('ES256');
    const jwk: JWK = {
      ...(await exportJWK(identityKey.publicKey)),
      kid: 'test-key',
      use: 'sig',
      alg: 'ES256',
    };
    const others = new MessagingClient({ ...bus, service: 'others' });
    undo.push(() => others.close());
    await others.serve(Rpc.identity.jwks, async () => ({ jwksJson: JSON.stringify({ keys: [jwk] }) }));
    const connectorRequests: ConnectorRef[] = [];
    const connectors: StandInConnector[] = [];
    await others.serve(Rpc.connectors.get, async (req) => {
      connectorRequests.push(req);
      if (!req.context?.accessToken) throw new RpcException(RpcErrorCode.UNAUTHENTICATED, 'no token');
      const c = connectors.find((x) => x.id === req.connectorId && x.orgId === req.orgId);
      if (!c) throw new RpcException(RpcErrorCode.NOT_FOUND, 'connector not found');
      return {
        connector: {
          id: c.id,
          orgId: c.orgId,
          name: 'c',
          kind: c.kind,
          workloads: c.workloads ?? ['mail'],
          status: ConnectorStatus.ACTIVE,
          version: 1,
        },
      };
    });

    @Module({
      imports: [
        MessagingModule.forRoot({ ...bus, service: 'migration' }),
        AuthModule.forRoot({ issuer: ISSUER }),
        MigrationControlModule.forRoot({
          options: { region: REGION },
          projectRepository: { useValue: projects },
          workQueue: { useValue: queue },
        }),
      ],
    })
    class MigrationServiceUnderTest {}
    const app = await NestFactory.createApplicationContext(MigrationServiceUnderTest, { logger: false });
    undo.push(() => app.close());
    await app.init();
    await Promise.all([
      app.get(MigrationProjectsRpcHandler).served,
      app.get(MigrationPassesRpcHandler).served,
      app.get(MigrationReportsRpcHandler).served,
    ]);
    const messaging = app.get(MessagingClient);
    await messaging.declareStream(Streams.audit);
    const peer = new MessagingClient({ ...bus, service: 'gateway' });
    undo.push(() => peer.close());

    return {
      app,
      peer,
      projects,
      runs,
      queue,
      db,
      connectorRequests,
      connectors,
      async accessToken({
        org = ORG,
        roles = ['migration-operator'],
        account = '0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b',
      } = {}) {
        const now = Math.floor(Date.now() / 1000);
        return new SignJWT({ sid: 'ses-1', org, roles, amr: ['pwd', 'otp'] })
          .setProtectedHeader({ alg: 'ES256', kid: 'test-key', typ: 'at+jwt' })
          .setIssuer(ISSUER)
          .setAudience('ferry-api')
          .setSubject(account)
          .setIssuedAt(now)
          .setNotBefore(now)
          .setExpirationTime(now + 300)
          .setJti(`jti-${now}-${Math.random()}`)
          .sign(identityKey.privateKey);
      },
      auditEvents: () => readAuditStream(messaging.naming.stream(Streams.audit.name)),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The RPC failure `p` ends in; fails the test when it succeeds or fails otherwise. */
export async function rpcFailure(p: Promise<unknown>): Promise<RpcFailure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RpcFailure) return err;
    throw err;
  }
  throw new Error('expected an RPC failure');
}
