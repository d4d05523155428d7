import { VendorError } from '../http/vendor-error';
import { inspectError } from '../http/vendor-errors';

/** A 400 in the inspection API's plain shape; the message names the field, never echoes its value. */
export const inspectBadRequest = (message: string): VendorError => inspectError(400, message);

/**
 * Runs `f` and rethrows a vendor error (a workload's own validation or not-found answer) in the
 * inspection API's plain shape, keeping its status: inspection routes reuse the API's parsers.
 */
export function asInspect<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof VendorError) throw inspectError(e.status, JSON.stringify(e.body));
    throw e;
  }
}
