/** Where a request came from, as the gateway reported it; bounded so a client cannot bloat audit records. */
export interface CallerInfo {
  readonly sourceAddress: string;
  readonly userAgent: string;
}

export const SOURCE_ADDRESS_MAX = 64;
export const USER_AGENT_MAX = 256;

/** Builds a CallerInfo from untrusted input, trimming each field to its bound. */
export function callerInfo(
  input: { sourceAddress?: string | null; userAgent?: string | null } = {},
): CallerInfo {
  return {
    sourceAddress: (input.sourceAddress ?? '').trim().slice(0, SOURCE_ADDRESS_MAX),
    userAgent: (input.userAgent ?? '').trim().slice(0, USER_AGENT_MAX),
  };
}
