import { Inject, Injectable } from '@nestjs/common';
import type { Account } from '@ferry/identity/domain';
import type { AccessClaims } from '@ferry/platform/rbac';
import { ACCOUNT_REPOSITORY, AccountRepository } from '../identity.ports';
import { scopedOrgId } from '../org-scope';

/** Lists the accounts of the caller's organisation, and of no other. */
@Injectable()
export class ListAccountsUseCase {
  constructor(@Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository) {}

  /** `orgId` is the organisation the request names; another organisation than the caller's is NotFoundError. */
  async execute(caller: AccessClaims, orgId: string): Promise<Account[]> {
    return this.accounts.listByOrg(scopedOrgId(caller, orgId));
  }
}
