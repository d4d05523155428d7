/**
 * Raised when revoking org-admin would leave the organisation with no org-admin, which nobody could
 * then repair from inside it. Maps to FAILED_PRECONDITION (or PERMISSION_DENIED where that code is missing).
 */
export class LastOrgAdminError extends Error {
  constructor() {
    super('the organisation must keep at least one org-admin; grant org-admin to another account first');
    this.name = 'LastOrgAdminError';
  }
}
