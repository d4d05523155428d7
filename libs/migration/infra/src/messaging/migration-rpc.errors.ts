import { RpcErrorCode } from '@ferry/contracts';
import {
  InvalidControlCommandError,
  MigrationAuditUnavailableError,
  MigrationNotFoundError,
  MigrationStateError,
  WorkQueueUnavailableError,
} from '@ferry/migration/application';
import { RpcException, RpcFailure } from '@ferry/platform/messaging';

/** Runs a handler body and turns the control plane's errors into RPC errors; anything else stays internal. */
export async function asMigrationRpc<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toMigrationRpcException(err);
  }
}

export function toMigrationRpcException(err: unknown): unknown {
  if (err instanceof RpcException) return err;
  if (err instanceof InvalidControlCommandError)
    return new RpcException(RpcErrorCode.INVALID_ARGUMENT, 'invalid request', [...err.violations]);
  if (err instanceof MigrationNotFoundError) return new RpcException(RpcErrorCode.NOT_FOUND, err.message);
  if (err instanceof MigrationStateError)
    return new RpcException(RpcErrorCode.FAILED_PRECONDITION, err.message);
  if (err instanceof MigrationAuditUnavailableError || err instanceof WorkQueueUnavailableError)
    return new RpcException(RpcErrorCode.UNAVAILABLE, err.message);
  // The connectors service's answer on the caller's behalf (403 without connectors.read, 503 when down), in its own words.
  if (err instanceof RpcFailure) {
    return new RpcException(err.code, `connectors service: ${err.message}`, [], err.retryAfterSeconds);
  }
  return err;
}
