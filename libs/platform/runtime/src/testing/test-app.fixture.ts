import {
  Body,
  Controller,
  Get,
  Module,
  NotFoundException,
  Post,
  Req,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp, type HttpAppOptions } from '../http-app.factory';
import { listen } from '../listen.bootstrap';
import { RecordingLogger } from '@ferry/platform/testing';

/** A secret that fixture handlers put into internal error messages; it must never reach a client. */
export const INTERNAL_SECRET = 'postgres://ferry:s3cret-pw@db.internal:5432/ferry';

@Controller()
class FixtureController {
  @Get('ok')
  ok(): { ok: true } {
    return { ok: true };
  }

  @Post('echo')
  echo(@Body() body: unknown): { received: unknown } {
    return { received: body };
  }

  @Post('text')
  text(@Body() body: unknown): { length: number } {
    return { length: typeof body === 'string' ? body.length : -1 };
  }

  @Get('users/:address/crash')
  crash(): never {
    throw new Error(`connection to ${INTERNAL_SECRET} refused`);
  }

  @Get('unavailable')
  unavailable(): never {
    throw new ServiceUnavailableException(`pool exhausted on ${INTERNAL_SECRET}`);
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('Project not found');
  }

  @Get('ip')
  ip(@Req() request: { ip?: string }): { ip: string | undefined } {
    return { ip: request.ip };
  }
}

@Module({ controllers: [FixtureController] })
class FixtureModule {}

/** A hardened app on 127.0.0.1 with an ephemeral port. */
export interface RunningTestApp {
  readonly app: NestExpressApplication;
  readonly baseUrl: string;
  readonly logger: RecordingLogger;
}

/** Starts the fixture app through `createHttpApp` and `listen`, as a service's main.ts would. */
export async function startTestApp(options: Partial<HttpAppOptions> = {}): Promise<RunningTestApp> {
  const logger = new RecordingLogger();
  const app = await createHttpApp(FixtureModule, { logger, bodyLimitBytes: 1024, ...options });
  const { port } = await listen(app, { host: '127.0.0.1', port: 0 });
  return { app, baseUrl: `http://127.0.0.1:${port}`, logger };
}
