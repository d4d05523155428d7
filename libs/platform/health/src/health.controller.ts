import { Controller, Get, Header, Res } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import { ReadinessService } from './readiness.service';

/** The slice of the platform response the readiness route needs. */
interface StatusResponse {
  status(code: number): unknown;
}

/**
 * Kubernetes probes. Liveness never looks at dependencies: a dead database must make the pod
 * unready, not get it restarted.
 */
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** 200 whenever the event loop is free to answer. */
  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when every probe is up, otherwise 503; the body lists each probe either way. */
  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthCheckResult> {
    // The status is set here rather than thrown, so app-wide filters that hide 5xx bodies keep this one.
    const { statusCode, body } = await this.readiness.check();
    response.status(statusCode);
    return body;
  }
}
