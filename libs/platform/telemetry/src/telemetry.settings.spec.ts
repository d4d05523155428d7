import { ConfigError } from '@ferry/platform/config';
import { readTelemetrySettings } from './telemetry.settings';

const KEY = Buffer.alloc(32, 6).toString('base64');

function reasons(env: Record<string, string>): string {
  try {
    readTelemetrySettings(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('readTelemetrySettings', () => {
  it('exports nothing and needs no key when no exporter is configured', () => {
    expect(readTelemetrySettings({})).toEqual({ region: 'local', warnings: [] });
  });

  it('appends v1/traces to the general OTLP endpoint', () => {
    const settings = readTelemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/',
      FERRY_PSEUDONYM_KEY: KEY,
    });
    expect(settings.otlpTracesUrl).toBe('https://collector.example:4318/v1/traces');
  });

  it('uses the traces endpoint as given', () => {
    const settings = readTelemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://a.example:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b.example/custom',
      FERRY_PSEUDONYM_KEY: KEY,
    });
    expect(settings.otlpTracesUrl).toBe('https://b.example/custom');
  });

  it('allows plaintext http only to a loopback collector', () => {
    expect(
      readTelemetrySettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        FERRY_PSEUDONYM_KEY: KEY,
      }).otlpTracesUrl,
    ).toBe('http://127.0.0.1:4318/v1/traces');
    expect(
      reasons({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318', FERRY_PSEUDONYM_KEY: KEY }),
    ).toBe(
      'Invalid environment variables: OTEL_EXPORTER_OTLP_ENDPOINT: must be an https:// URL (http:// only to a loopback address)',
    );
  });

  it('refuses the grpc protocol, which this exporter does not speak', () => {
    expect(reasons({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe(
      'Invalid environment variables: OTEL_EXPORTER_OTLP_PROTOCOL: must be one of http/json, http/protobuf',
    );
  });

  it('warns that http/protobuf is sent as http/json', () => {
    const settings = readTelemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      FERRY_PSEUDONYM_KEY: KEY,
    });
    expect(settings.warnings).toEqual([expect.stringContaining('traces are sent as http/json')]);
  });

  it('requires the pseudonym key when traces are exported', () => {
    expect(reasons({ FERRY_TRACE_FILE: '/tmp/t.ndjson' })).toBe(
      'Invalid environment variables: FERRY_PSEUDONYM_KEY: required when traces are exported',
    );
  });

  it('validates the region like the service config does', () => {
    expect(reasons({ FERRY_REGION: 'West Europe' })).toBe(
      'Invalid environment variables: FERRY_REGION: must be 1-32 characters of a-z, 0-9 and -',
    );
  });

  it('never repeats a credential from a bad endpoint', () => {
    expect(reasons({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://user:Pl4nted-pw@collector' })).not.toContain(
      'Pl4nted-pw',
    );
  });
});
