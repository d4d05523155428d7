import { Controller, Get, Header } from '@nestjs/common';
import { WorkerMetrics } from '../metrics/worker-metrics';

/** `GET /metrics`: the worker's Prometheus metrics (on the service's internal port, like /health). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: WorkerMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  render(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
