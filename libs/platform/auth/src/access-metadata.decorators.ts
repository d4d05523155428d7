import { SetMetadata } from '@nestjs/common';
import type { Permission } from '@ferry/platform/rbac';

export const REQUIRED_PERMISSION = 'ferry:required-permission';
export const PUBLIC_ROUTE = 'ferry:public-route';

/**
 * The permission a handler (or every handler of a controller) requires. With a `:org` route
 * parameter, the caller's token must belong to that organisation too (`platform.*` permissions excepted).
 */
export const RequirePermission = (permission: Permission): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_PERMISSION, permission);

/** Opens a handler (or controller) to callers without a token. Everything else is denied by default. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
