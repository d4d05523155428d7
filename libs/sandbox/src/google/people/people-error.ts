import { VendorError } from '../../http/vendor-error';

type GrpcStatus = 'INVALID_ARGUMENT' | 'FAILED_PRECONDITION' | 'NOT_FOUND' | 'PERMISSION_DENIED';

/**
 * The People API's errors are Google's one-platform shape: `{ error: { code, message, status,
 * details? } }`, with no legacy `errors[]` array; FAILED_PRECONDITION travels as HTTP 400.
 */
export function peopleError(status: 400 | 403 | 404, grpc: GrpcStatus, message: string, details?: readonly unknown[]): VendorError {
  return new VendorError(status, { error: { code: status, message, status: grpc, ...(details ? { details } : {}) } });
}

export const invalidArgument = (message: string): VendorError => peopleError(400, 'INVALID_ARGUMENT', message);

export const entityNotFound = (): VendorError => peopleError(404, 'NOT_FOUND', 'Requested entity was not found.');

/** `Invalid JSON payload received. Unknown name "x"`, with the field violation Google attaches. */
export function unknownField(name: string): VendorError {
  const safe = name.slice(0, 64);
  return peopleError(400, 'INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${safe}": Cannot find field.`, [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ description: `Invalid JSON payload received. Unknown name "${safe}": Cannot find field.` }] },
  ]);
}
