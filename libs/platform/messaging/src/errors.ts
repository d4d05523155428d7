import type { RpcErrorCode } from '@ferry/contracts';

/**
 * Thrown by an RPC handler to answer with a specific error code. The message goes to the caller, so it
 * must not contain secrets, tokens or user addresses.
 */
export class RpcException extends Error {
  constructor(
    readonly code: RpcErrorCode,
    message: string,
    readonly violations: readonly { field: string; reason: string }[] = [],
    /** With RESOURCE_EXHAUSTED: how long the caller should wait, in whole seconds. */
    readonly retryAfterSeconds = 0,
  ) {
    super(message);
    this.name = 'RpcException';
  }
}

/** Raised to an RPC caller when the serving side answered with an error or did not answer. */
export class RpcFailure extends Error {
  constructor(
    readonly code: RpcErrorCode,
    message: string,
    readonly subject: string,
    readonly violations: readonly { field: string; reason: string }[] = [],
    readonly retryAfterSeconds = 0,
  ) {
    super(message);
    this.name = 'RpcFailure';
  }
}

/**
 * Thrown by a work handler when retrying cannot help (the message is valid protobuf but its content is
 * unusable): the message is dead-lettered at once instead of after max deliveries.
 */
export class PermanentMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentMessageError';
  }
}

/**
 * Thrown by a work handler when the message cannot be handled yet (e.g. its job is paused): it is
 * offered again after `delayMs`. It still counts as a delivery.
 */
export class DeferredMessageError extends Error {
  constructor(message: string, readonly delayMs: number) {
    super(message);
    this.name = 'DeferredMessageError';
  }
}
