import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MessagingModule } from '@ferry/platform/messaging';
import type { AccessClaims } from '@ferry/platform/rbac';
import { createHttpApp, listen } from '@ferry/platform/runtime';
import { RecordingLogger, TEST_NATS_URL } from '@ferry/platform/testing';
import { AccessGuard } from './access.guard';
import { ACCESS_DENIED_RECORDER } from './access-denied.recorder';
import { RequirePermission } from './access-metadata.decorators';
import { AccessTokenVerifier } from './access-token.verifier';
import { AuthModule } from './auth.module';
import { CurrentClaims } from './request-context.decorators';
import { type FakeIdentity, startFakeIdentity } from './testing/fake-identity';
import { MemoryRecorder } from './testing/guarded-app.fixture';
import {
  ISSUER,
  ORG_A,
  ORG_B,
  publicJwk,
  type SigningKey,
  signingKey,
  signToken,
} from './testing/token-fixtures';

@Controller('orgs/:org')
@UseGuards(AccessGuard)
class SettingsController {
  @Get('settings')
  @RequirePermission('org.read')
  settings(@CurrentClaims() claims: AccessClaims): { accountId: string } {
    return { accountId: claims.accountId };
  }
}

const recorder = new MemoryRecorder();

// A feature module that does not import AuthModule: the global module's guard must still resolve.
@Module({
  controllers: [SettingsController],
  providers: [{ provide: ACCESS_DENIED_RECORDER, useValue: recorder }],
})
class SettingsModule {}

describe('AuthModule wired into a service', () => {
  let key: SigningKey;
  let identity: FakeIdentity;
  let app: NestExpressApplication;
  let baseUrl: string;

  beforeAll(async () => {
    key = await signingKey('k1');
    identity = await startFakeIdentity([await publicJwk(key)]);
    @Module({
      imports: [
        MessagingModule.forRoot({
          servers: [TEST_NATS_URL],
          service: 'gateway',
          region: 'test',
          prefix: identity.prefix,
          drainTimeoutMs: 2000,
        }),
        AuthModule.forRoot({ issuer: ISSUER }),
        SettingsModule,
      ],
    })
    class AppModule {}
    app = await createHttpApp(AppModule, { logger: new RecordingLogger(), bodyLimitBytes: 1024 });
    baseUrl = `http://127.0.0.1:${(await listen(app, { host: '127.0.0.1', port: 0 })).port}`;
  });

  afterAll(async () => {
    await app.close();
    await identity.close();
  });

  const get = (path: string, token: string) =>
    fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it("guards a feature module's controller with keys fetched from identity over NATS", async () => {
    const response = await get(`/orgs/${ORG_A}/settings`, await signToken(key));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accountId: 'acc-1' });
    expect(identity.requests()).toBe(1);
  });

  it("reports cross-organisation requests to the feature module's recorder", async () => {
    expect((await get(`/orgs/${ORG_B}/settings`, await signToken(key))).status).toBe(404);
    expect(recorder.denials.map((d) => d.reason)).toEqual(['cross-org']);
  });

  it('exports the verifier for RPC handlers', async () => {
    await expect(app.get(AccessTokenVerifier).verify(await signToken(key))).resolves.toMatchObject({
      orgId: ORG_A,
    });
  });

  it('refuses to start without an issuer', () => {
    expect(() => AuthModule.forRoot({ issuer: '' })).toThrow(/issuer/);
  });
});
