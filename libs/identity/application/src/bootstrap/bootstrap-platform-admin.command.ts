import { checkPassword, normaliseLoginName } from '@ferry/identity/domain';
import { passwordReason } from '../accounts/account-fields';

/** The settings the first platform admin comes from (see services/identity config). */
export const BOOTSTRAP_ADMIN_SETTINGS = {
  loginName: 'FERRY_BOOTSTRAP_ADMIN_LOGIN',
  password: 'FERRY_BOOTSTRAP_ADMIN_PASSWORD_FILE',
} as const;

/** A bootstrap setting was refused. Names the setting and the rule, never the value. */
export class InvalidBootstrapSettingError extends Error {
  constructor(
    readonly setting: string,
    readonly reason: string,
  ) {
    super(`Invalid environment variables: ${setting} ${reason}`);
    this.name = 'InvalidBootstrapSettingError';
  }
}

/**
 * The configured first platform admin, checked at start-up: login name normalised, password held to
 * the MFA policy (platform admins always enrol TOTP at first sign-in). `admin` is null when neither
 * setting is given; giving only one of them is an error.
 */
export class BootstrapPlatformAdminCommand {
  private constructor(
    readonly admin: {
      readonly loginName: string;
      readonly password: string;
      readonly displayName: string;
    } | null,
  ) {}

  static create(settings: {
    loginName?: string | null;
    password?: string | null;
    displayName?: string;
  }): BootstrapPlatformAdminCommand {
    const rawLogin = settings.loginName?.trim() ?? '';
    const password = settings.password ?? '';
    if (rawLogin.length === 0 && password.length === 0) return new BootstrapPlatformAdminCommand(null);
    if (rawLogin.length === 0)
      throw new InvalidBootstrapSettingError(
        BOOTSTRAP_ADMIN_SETTINGS.loginName,
        `is required when ${BOOTSTRAP_ADMIN_SETTINGS.password} is set`,
      );
    if (password.length === 0)
      throw new InvalidBootstrapSettingError(
        BOOTSTRAP_ADMIN_SETTINGS.password,
        `is required when ${BOOTSTRAP_ADMIN_SETTINGS.loginName} is set`,
      );

    const loginName = normaliseLoginName(rawLogin);
    if (!loginName.ok)
      throw new InvalidBootstrapSettingError(BOOTSTRAP_ADMIN_SETTINGS.loginName, loginName.reason);
    const problem = checkPassword(password, { mfa: true, loginName: loginName.value });
    if (problem)
      throw new InvalidBootstrapSettingError(
        BOOTSTRAP_ADMIN_SETTINGS.password,
        `is refused: ${passwordReason(problem, true)}`,
      );
    return new BootstrapPlatformAdminCommand({
      loginName: loginName.value,
      password,
      displayName: settings.displayName ?? 'Platform admin',
    });
  }
}
