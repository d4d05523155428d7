import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, loadConfig } from '@ferry/platform/config';
import { z } from 'zod';
import { auditForwardingConfigShape, auditForwardingSettings } from './forwarding.config';

const schema = z.object(auditForwardingConfigShape);
const SECRET = 'hmac-key-0123456789-0123456789-0123456789';
const TOKEN = '11111111-2222-3333-4444-555555555555';
let dir: string;
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const settingsOf = (env: Record<string, string>) => auditForwardingSettings(loadConfig(schema, env).config);
const failureOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'fwd-config-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit forwarding settings', () => {
  it('leave forwarding off when no destination is set, with the documented defaults', () => {
    const settings = settingsOf({});
    expect(settings.webhook).toBeUndefined();
    expect(settings.syslog).toBeUndefined();
    expect(settings.batch).toEqual({ maxEvents: 100, maxBytes: 262_144, flushMs: 1000 });
    expect(settings.ackWaitMs).toBe(10_000);
  });

  it('read the webhook secret and token from their files and never print them', () => {
    const settings = settingsOf({
      FERRY_AUDIT_FORWARD_WEBHOOK_URL: 'https://splunk.example.com:8088/services/collector/event',
      FERRY_AUDIT_FORWARD_WEBHOOK_SECRET_FILE: file('secret', `${SECRET}\n`),
      FERRY_AUDIT_FORWARD_WEBHOOK_TOKEN_FILE: file('token', `${TOKEN}\n`),
    });
    expect(settings.webhook?.secret.reveal()).toBe(SECRET);
    expect(settings.webhook?.token?.reveal()).toBe(TOKEN);
    const printed = `${JSON.stringify(settings)} ${String(settings.webhook?.token)} ${inspect(settings, { depth: 5 })}`;
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain(TOKEN);
  });

  it('name every variable that is missing, unused or wrong, without its value', () => {
    const err = failureOf(() =>
      settingsOf({
        FERRY_AUDIT_FORWARD_WEBHOOK_URL: 'https://siem.example.com/hook',
        FERRY_AUDIT_FORWARD_SYSLOG_CA_FILE: file('ca.pem', 'not a certificate'),
      }),
    );
    expect(err.issues).toEqual([
      { variable: 'FERRY_AUDIT_FORWARD_SYSLOG_CA_FILE', reason: 'is only used with FERRY_AUDIT_FORWARD_SYSLOG_HOST, which is not set' },
      { variable: 'FERRY_AUDIT_FORWARD_WEBHOOK_SECRET_FILE', reason: 'required when FERRY_AUDIT_FORWARD_WEBHOOK_URL is set' },
    ]);
  });

  it('refuse a short HMAC key, a token that could split a header, and a CA file that holds no certificate', () => {
    const err = failureOf(() =>
      settingsOf({
        FERRY_AUDIT_FORWARD_WEBHOOK_URL: 'https://siem.example.com/hook',
        FERRY_AUDIT_FORWARD_WEBHOOK_SECRET_FILE: file('short', 'too-short-secret'),
        FERRY_AUDIT_FORWARD_WEBHOOK_TOKEN_FILE: file('bad-token', 'abc\r\nX-Injected: 1'),
        FERRY_AUDIT_FORWARD_WEBHOOK_CA_FILE: file('bad-ca', 'nothing'),
      }),
    );
    expect(err.issues.map((i) => i.variable)).toEqual(['FERRY_AUDIT_FORWARD_WEBHOOK_SECRET_FILE', 'FERRY_AUDIT_FORWARD_WEBHOOK_TOKEN_FILE', 'FERRY_AUDIT_FORWARD_WEBHOOK_CA_FILE']);
    expect(err.message).not.toContain('too-short-secret');
    expect(err.message).not.toContain('Injected');
  });

  it('take only https webhooks, a valid SD-ID and batch limits in range', () => {
    const err = failureOf(() =>
      loadConfig(schema, {
        FERRY_AUDIT_FORWARD_WEBHOOK_URL: 'http://siem.example.com/hook',
        FERRY_AUDIT_FORWARD_SYSLOG_SD_ID: 'ferry audit',
        FERRY_AUDIT_FORWARD_BATCH_EVENTS: '0',
        FERRY_AUDIT_FORWARD_SYSLOG_FACILITY: 'nope',
      }),
    );
    expect(err.issues.map((i) => i.variable).sort()).toEqual([
      'FERRY_AUDIT_FORWARD_BATCH_EVENTS',
      'FERRY_AUDIT_FORWARD_SYSLOG_FACILITY',
      'FERRY_AUDIT_FORWARD_SYSLOG_SD_ID',
      'FERRY_AUDIT_FORWARD_WEBHOOK_URL',
    ]);
  });

  it('take an ack wait of 1 s to 5 minutes', () => {
    for (const ms of ['1000', '300000']) expect(settingsOf({ FERRY_AUDIT_FORWARD_ACK_WAIT_MS: ms }).ackWaitMs).toBe(Number(ms));
    for (const ms of ['999', '300001', '10s']) {
      const err = failureOf(() => loadConfig(schema, { FERRY_AUDIT_FORWARD_ACK_WAIT_MS: ms }));
      expect(err.issues.map((i) => i.variable)).toEqual(['FERRY_AUDIT_FORWARD_ACK_WAIT_MS']);
    }
  });

  it('configure syslog with its facility, app name and SD-ID', () => {
    const settings = settingsOf({ FERRY_AUDIT_FORWARD_SYSLOG_HOST: 'syslog.example.com', FERRY_AUDIT_FORWARD_SYSLOG_FACILITY: 'local4', FERRY_AUDIT_FORWARD_SYSLOG_SD_ID: 'audit@12345.1' });
    expect(settings.syslog).toMatchObject({ host: 'syslog.example.com', port: 6514, facility: 20, appName: 'ferry-audit', sdId: 'audit@12345.1', maxMessageBytes: 8192 });
  });
});
