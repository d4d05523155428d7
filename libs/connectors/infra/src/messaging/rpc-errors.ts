import {
  AuditUnavailableError,
  BrokerDeniedError,
  ConnectorNotFoundError,
  ConnectorStateError,
  InvalidCommandError,
  OnboardingRefusedError,
  type OnboardingRefusal,
  ServiceNotAuthenticatedError,
} from '@ferry/connectors/application';
import { RpcErrorCode } from '@ferry/contracts';
import { RpcException } from '@ferry/platform/messaging';
import { ProviderError } from '@ferry/providers/core';

/**
 * Runs a handler body and turns the connectors' errors into RPC errors. Provider errors keep only
 * Ferry's own message (they never hold a secret or an address); anything else stays an internal error.
 */
export async function asRpc<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toRpcException(err);
  }
}

/** What a refused callback answers: the gateway turns the code into its page (never the details, which are audited). */
const REFUSAL_CODE: Record<OnboardingRefusal, RpcErrorCode> = {
  'invalid-callback': RpcErrorCode.INVALID_ARGUMENT,
  'unknown-state': RpcErrorCode.FAILED_PRECONDITION,
  'expired-or-used': RpcErrorCode.FAILED_PRECONDITION,
  'wrong-flow': RpcErrorCode.FAILED_PRECONDITION,
  'connector-changed': RpcErrorCode.FAILED_PRECONDITION,
  'no-refresh-token': RpcErrorCode.FAILED_PRECONDITION,
  declined: RpcErrorCode.PERMISSION_DENIED,
  'account-mismatch': RpcErrorCode.PERMISSION_DENIED,
  'tenant-held-elsewhere': RpcErrorCode.PERMISSION_DENIED,
  'tenant-mismatch': RpcErrorCode.PERMISSION_DENIED,
  'not-an-admin': RpcErrorCode.PERMISSION_DENIED,
  // The binding is the browser's credential for the callback: missing or wrong, it is not authenticated.
  'other-browser': RpcErrorCode.UNAUTHENTICATED,
};

export function toRpcException(err: unknown): unknown {
  if (err instanceof RpcException) return err;
  if (err instanceof InvalidCommandError) return new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid request', [...err.violations]);
  if (err instanceof ConnectorNotFoundError) return new RpcException(RpcErrorCode.NOT_FOUND, err.message);
  if (err instanceof ConnectorStateError) return new RpcException(RpcErrorCode.FAILED_PRECONDITION, err.message);
  if (err instanceof AuditUnavailableError) return new RpcException(RpcErrorCode.UNAVAILABLE, err.message);
  if (err instanceof ServiceNotAuthenticatedError) return new RpcException(RpcErrorCode.UNAUTHENTICATED, err.message);
  if (err instanceof BrokerDeniedError) return new RpcException(RpcErrorCode.PERMISSION_DENIED, err.message);
  if (err instanceof OnboardingRefusedError) return new RpcException(REFUSAL_CODE[err.reason], err.message);
  if (err instanceof ProviderError) {
    const message = `the tenant refused or could not be reached (${err.code}): ${err.message}`;
    switch (err.code) {
      case 'throttled':
        return new RpcException(RpcErrorCode.RESOURCE_EXHAUSTED, message, [], err.details.retryAfterSeconds ?? 1);
      case 'unreachable':
      case 'provider-error':
        return new RpcException(RpcErrorCode.UNAVAILABLE, message);
      case 'invalid-input':
        return new RpcException(RpcErrorCode.INVALID_ARGUMENT, message);
      case 'invalid-credentials':
      case 'unknown-tenant':
      case 'unknown-client':
      case 'not-authorized':
      case 'invalid-grant':
      case 'destination-refused':
        return new RpcException(RpcErrorCode.FAILED_PRECONDITION, message);
    }
  }
  return err;
}
