import { type SignInResult, type TokenSet } from '@ferry/contracts';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { z } from 'zod';

// Bounds here only keep bodies small; the identity service applies the real rules (a password over
// 64 characters is refused there as wrong credentials, after being counted as a failure).
const opaque = z.string().min(1).max(512);

/** POST /api/v1/auth/signin */
export const SignInBody = z.object({ loginName: z.string().min(1).max(256), password: z.string().min(1).max(1024) }).strict();
export type SignInBody = z.infer<typeof SignInBody>;

/** POST /api/v1/auth/mfa: exactly one of code and recoveryCode. */
export const MfaBody = z
  .object({ pendingToken: opaque, code: z.string().regex(/^\d{6}$/, 'must be 6 digits').optional(), recoveryCode: z.string().min(1).max(32).optional() })
  .strict()
  .refine((b) => (b.code === undefined) !== (b.recoveryCode === undefined), { message: 'give exactly one of code and recoveryCode' });
export type MfaBody = z.infer<typeof MfaBody>;

/** POST /api/v1/auth/mfa/enrolment */
export const EnrolmentBody = z.object({ pendingToken: opaque }).strict();
export type EnrolmentBody = z.infer<typeof EnrolmentBody>;

/** POST /api/v1/auth/mfa/enrolment/verify */
export const VerifyEnrolmentBody = z.object({ pendingToken: opaque, code: z.string().regex(/^\d{6}$/, 'must be 6 digits') }).strict();
export type VerifyEnrolmentBody = z.infer<typeof VerifyEnrolmentBody>;

/** POST /api/v1/auth/refresh */
export const RefreshBody = z.object({ refreshToken: opaque }).strict();
export type RefreshBody = z.infer<typeof RefreshBody>;

export function tokensView(t: TokenSet | undefined) {
  if (!t) throw new Error('identity answered without tokens');
  return {
    tokenType: 'Bearer',
    accessToken: t.accessToken,
    accessTokenExpiresAt: t.accessTokenExpiresAt ? timestampDate(t.accessTokenExpiresAt).toISOString() : null,
    refreshToken: t.refreshToken,
    sessionExpiresAt: t.sessionExpiresAt ? timestampDate(t.sessionExpiresAt).toISOString() : null,
    sessionId: t.sessionId,
  };
}

/** The next sign-in step, as the API shows it. */
export function signInView(result: SignInResult | undefined) {
  const step = result?.step;
  switch (step?.case) {
    case 'tokens':
      return { status: 'signed-in', ...tokensView(step.value) };
    case 'mfaRequired':
    case 'enrolmentRequired':
      return {
        status: step.case === 'mfaRequired' ? 'mfa-required' : 'enrolment-required',
        pendingToken: step.value.token,
        expiresAt: step.value.expiresAt ? timestampDate(step.value.expiresAt).toISOString() : null,
      };
    case undefined:
      throw new Error('identity answered without a sign-in step');
  }
}
