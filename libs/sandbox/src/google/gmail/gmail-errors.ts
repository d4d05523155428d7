import { googleError } from '../../http/vendor-errors';
import type { VendorError } from '../../http/vendor-error';

/** Gmail's answers for the error cases the sandbox emulates, in Gmail's own wording. */
export const gmailErrors = {
  notFound: (): VendorError => googleError(404, 'notFound', 'Requested entity was not found.'),
  invalid: (message: string): VendorError => googleError(400, 'invalidArgument', message),
  invalidId: (): VendorError => googleError(400, 'invalidArgument', 'Invalid id value'),
  invalidLabel: (id: string): VendorError =>
    googleError(400, 'invalidArgument', `Invalid label: ${id.slice(0, 100)}`),
  labelConflict: (): VendorError => googleError(409, 'alreadyExists', 'Label name exists or conflicts'),
  delegationDenied: (userId: string): VendorError =>
    googleError(403, 'forbidden', `Delegation denied for ${userId.slice(0, 320)}`),
  /** A service-account token without `sub` has no mailbox behind `me`. */
  noMailbox: (): VendorError => googleError(400, 'failedPrecondition', 'Precondition check failed.'),
  metadataFormat: (format: string): VendorError =>
    googleError(403, 'forbidden', `Metadata scope doesn't allow format ${format.toUpperCase()}`),
  metadataQuery: (): VendorError =>
    googleError(403, 'forbidden', "Metadata scope does not support 'q' parameter"),
  rawRequired: (): VendorError =>
    googleError(
      400,
      'invalidArgument',
      "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
    ),
  tooLarge: (limit: number): VendorError =>
    googleError(413, 'uploadTooLarge', `Request payload size exceeds the limit: ${limit} bytes.`),
  notRetained: (): VendorError =>
    googleError(
      503,
      'backendError',
      'The sandbox kept only the digest of this message (over its content retention budget).',
    ),
};
