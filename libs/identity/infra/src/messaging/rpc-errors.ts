import {
  AlreadyExistsError,
  AuditUnavailableError,
  HashingBusyError,
  InvalidCommandError,
  InvalidCredentialsError,
  LastOrgAdminError,
  NotFoundError,
  SsoRejectedError,
  ThrottledError,
} from '@ferry/identity/application';
import { RpcErrorCode } from '@ferry/contracts';
import { RpcException } from '@ferry/platform/messaging';

/**
 * Maps identity's typed errors onto RPC answers. Messages are fixed sentences: none echoes a login
 * name, password, code or token. Anything else propagates and answers INTERNAL.
 */
export function toRpcException(err: unknown): unknown {
  if (err instanceof RpcException) return err;
  if (err instanceof InvalidCommandError) return new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid request', [...err.violations]);
  if (err instanceof InvalidCredentialsError) return new RpcException(RpcErrorCode.UNAUTHENTICATED, 'the credentials were not accepted');
  if (err instanceof ThrottledError) return new RpcException(RpcErrorCode.RESOURCE_EXHAUSTED, 'too many attempts; retry later', [], err.retryAfterSeconds);
  // Password hashing is at capacity (bounded queues): a fast refusal, never a 500.
  if (err instanceof HashingBusyError) return new RpcException(RpcErrorCode.RESOURCE_EXHAUSTED, 'busy; retry shortly', [], 1);
  if (err instanceof NotFoundError) return new RpcException(RpcErrorCode.NOT_FOUND, err.message);
  if (err instanceof AlreadyExistsError) return new RpcException(RpcErrorCode.ALREADY_EXISTS, err.message);
  if (err instanceof LastOrgAdminError) return new RpcException(RpcErrorCode.FAILED_PRECONDITION, err.message);
  if (err instanceof AuditUnavailableError) return new RpcException(RpcErrorCode.UNAVAILABLE, err.message);
  // The reason is a fixed code (e.g. no-mapped-group, tenant), useful to the person signing in.
  if (err instanceof SsoRejectedError) return new RpcException(RpcErrorCode.UNAUTHENTICATED, `single sign-on refused (${err.reason})`);
  return err;
}

/** Runs a handler body, answering identity's errors with their RPC codes. */
export async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toRpcException(err);
  }
}
