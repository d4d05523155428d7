import { validateDisplayName } from '@ferry/identity/domain';
import type { AccessClaims } from '@ferry/platform/rbac';
import { type AccountFields, checkAccountFields, checkNewPassword } from '../accounts/account-fields';
import { type CallerInfo, callerInfo } from '../caller';
import { Violations } from '../input-checks';

/**
 * A validated request to create an organisation and its first org-admin. The handler has checked
 * `platform.orgs.manage`; the claims name the platform admin for the audit trail. The admin's
 * password is checked as for an MFA account (org-admins always enrol TOTP).
 */
export class CreateOrganisationCommand {
  private constructor(
    readonly caller: AccessClaims,
    readonly name: string,
    readonly admin: AccountFields,
    readonly adminPassword: string,
    readonly from: CallerInfo,
  ) {}

  static create(input: {
    caller: AccessClaims;
    name: string;
    admin: {
      loginName: string;
      displayName: string;
      email?: string | null;
      realName?: string | null;
      password: string;
    };
    sourceAddress?: string | null;
    userAgent?: string | null;
  }): CreateOrganisationCommand {
    const violations = new Violations();
    const name = validateDisplayName(input.name);
    if (!name.ok) violations.add('name', name.reason);
    const admin = checkAccountFields(input.admin, violations, 'admin.');
    checkNewPassword(
      input.admin.password,
      { mfa: true, loginName: admin.loginName },
      violations,
      'admin.password',
    );
    violations.throwIfAny();
    return new CreateOrganisationCommand(
      input.caller,
      name.ok ? name.value : '',
      admin,
      input.admin.password,
      callerInfo(input),
    );
  }
}
