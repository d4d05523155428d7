import type { AuditEventView } from '../audit-event.view';
import { parseRfc5424, splitOctetCounted } from '../testing/rfc5424.parser';
import { escapeParamValue, formatRfc5424, octetCountedFrame } from './rfc5424.format';

const identity = { facility: 10, hostname: 'ferry-1', appName: 'ferry-audit', sdId: 'ferry@32473' };

function view(over: Partial<AuditEventView> = {}): AuditEventView {
  return {
    id: '3f1c2b7e-0000-4000-8000-000000000001',
    occurredAt: '2025-03-04T05:06:07.089Z',
    orgId: '0b5f1f8e-0000-4000-8000-00000000000a',
    region: 'weu',
    action: 'connector.secret.rotated',
    actor: { kind: 'account', id: 'acc-1' },
    target: { type: 'connector', id: 'c-1' },
    outcome: 'success',
    sourceAddress: '203.0.113.7',
    userAgent: 'curl/8 "quoted" [x]',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    detail: {},
    ...over,
  };
}

describe('RFC 5424 formatting of audit events', () => {
  it('escapes ", \\ and ] in PARAM-VALUEs and nothing else', () => {
    expect(escapeParamValue('a"b\\c]d[e=f')).toBe('a\\"b\\\\c\\]d[e=f');
  });

  it('puts PRI, the event time, the action as MSGID and every field in one SD element', () => {
    const parsed = parseRfc5424(formatRfc5424(view({ detail: { reason: 'x"]\\y', pseudonym: 'ps_9f' } }), identity));
    expect(parsed).toMatchObject({ pri: 10 * 8 + 6, version: 1, timestamp: '2025-03-04T05:06:07.089Z', hostname: 'ferry-1', appName: 'ferry-audit', procId: '-', msgId: 'connector.secret.rotated' });
    expect(parsed.structuredData['ferry@32473']).toEqual({
      id: '3f1c2b7e-0000-4000-8000-000000000001',
      orgId: '0b5f1f8e-0000-4000-8000-00000000000a',
      region: 'weu',
      action: 'connector.secret.rotated',
      actorKind: 'account',
      actorId: 'acc-1',
      targetType: 'connector',
      targetId: 'c-1',
      outcome: 'success',
      sourceAddress: '203.0.113.7',
      userAgent: 'curl/8 "quoted" [x]',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      'detail.pseudonym': 'ps_9f',
      'detail.reason': 'x"]\\y',
    });
  });

  it('carries the whole event as ASCII JSON in MSG, including detail keys that cannot be PARAM-NAMEs', () => {
    const event = view({ detail: { 'has space': 'v', 'ünï': 'çödé ✓' } });
    const message = formatRfc5424(event, identity);
    expect(message).toMatch(/^[\x20-\x7e]*$/);
    const parsed = parseRfc5424(message);
    expect(JSON.parse(parsed.msg)).toEqual(event);
    expect(Object.keys(parsed.structuredData['ferry@32473']!).filter((k) => k.startsWith('detail.'))).toEqual([]);
  });

  it('maps outcomes to severities and leaves MSGID empty for an action that is not a valid MSGID', () => {
    expect(parseRfc5424(formatRfc5424(view({ outcome: 'failure' }), identity)).pri).toBe(84);
    expect(parseRfc5424(formatRfc5424(view({ outcome: 'denied' }), identity)).pri).toBe(85);
    expect(parseRfc5424(formatRfc5424(view({ action: 'a'.repeat(33) }), identity)).msgId).toBe('-');
  });

  it('frames by octet count, in bytes of UTF-8', () => {
    const frame = octetCountedFrame('<86>1 - - - - - - é');
    expect(frame.toString('utf8').startsWith('20 ')).toBe(true);
    expect(splitOctetCounted(Buffer.concat([frame, frame])).messages).toEqual(['<86>1 - - - - - - é', '<86>1 - - - - - - é']);
  });
});
