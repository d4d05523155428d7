import { HealthModule } from './health.module';

describe('HealthModule.forRoot options', () => {
  it.each([0, -5, 1.5, Number.NaN])('rejects probeTimeoutMs %p with a clear error', (probeTimeoutMs) => {
    expect(() => HealthModule.forRoot({ probeTimeoutMs })).toThrow(
      /^HealthModule: probeTimeoutMs must be a positive whole number; got /,
    );
  });
});
