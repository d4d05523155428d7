import { ActorKind, Outcome } from '@ferry/contracts';
import type { AccessClaims } from '@ferry/platform/rbac';
import { type ApiCall, apiCallEvent, apiCallOutcome } from './api-call.event';

const claims: AccessClaims = {
  accountId: '7a0c2b1e-0000-4000-8000-000000000001',
  sessionId: '5e55e55e-0000-4000-8000-000000000002',
  orgId: '0b6f4c3e-3d2a-4c1b-9f8e-7a6b5c4d3e2f',
  roles: ['org-admin'],
  amr: ['pwd', 'otp'],
  expiresAt: new Date(0),
  tokenId: 'jti-1',
};
const call = (overrides: Partial<ApiCall> = {}): ApiCall => ({
  claims,
  method: 'get',
  route: '/api/v1/orgs/:org/connectors/:id',
  status: 200,
  completed: true,
  durationMs: 12.6,
  sourceAddress: '203.0.113.9',
  userAgent: 'console/1.0',
  ...overrides,
});

describe('the api.call record of a call', () => {
  it("is the caller's, in its organisation and session, naming the route template and what the call took", () => {
    expect(apiCallEvent(call())).toEqual({
      orgId: claims.orgId,
      actor: { kind: ActorKind.ACCOUNT, id: claims.accountId },
      action: 'api.call',
      target: { type: 'route', id: 'GET /api/v1/orgs/:org/connectors/:id' },
      outcome: Outcome.SUCCESS,
      sourceAddress: '203.0.113.9',
      userAgent: 'console/1.0',
      sessionId: claims.sessionId,
      detail: { method: 'GET', route: '/api/v1/orgs/:org/connectors/:id', status: '200', duration_ms: '13' },
    });
  });

  it('is success below 400, denied for every 4xx refusal, failure for 5xx', () => {
    for (const status of [200, 201, 204, 302, 399]) expect(apiCallOutcome(status)).toBe(Outcome.SUCCESS);
    for (const status of [400, 401, 403, 404, 409, 413, 422, 429]) expect(apiCallOutcome(status)).toBe(Outcome.DENIED);
    for (const status of [500, 502, 503, 504]) expect(apiCallOutcome(status)).toBe(Outcome.FAILURE);
  });

  it('marks a call the client left before the answer was complete, and one left before any answer as failed without a status', () => {
    expect(apiCallEvent(call({ completed: false })).detail).toMatchObject({ status: '200', aborted: 'true' });
    const unanswered = apiCallEvent(call({ status: null, completed: false }));
    expect(unanswered.outcome).toBe(Outcome.FAILURE);
    expect(unanswered.detail).toMatchObject({ status: '', aborted: 'true' });
  });

  it("belongs to the platform's trail for a platform account, which has no organisation", () => {
    expect(apiCallEvent(call({ claims: { ...claims, orgId: null } })).orgId).toBe('');
  });

  it('bounds every field a client controls', () => {
    const e = apiCallEvent(
      call({ method: 'X'.repeat(100), route: `/${'r'.repeat(1000)}`, sourceAddress: '1'.repeat(500), userAgent: 'u'.repeat(5000) }),
    );
    expect(e.detail?.['method']).toHaveLength(16);
    expect(e.detail?.['route']).toHaveLength(200);
    expect(e.target.id.length).toBeLessThanOrEqual(217);
    expect(e.sourceAddress).toHaveLength(64);
    expect(e.userAgent).toHaveLength(256);
  });

  it('names no route when none matched, and never a negative duration', () => {
    const e = apiCallEvent(call({ route: null, durationMs: -3 }));
    expect(e.target.id).toBe('GET (unmatched)');
    expect(e.detail?.['duration_ms']).toBe('0');
  });
});
