import { NotFoundError } from '../identity.errors';
import { anAccount, anOrganisation, createIdentityFakes, claimsFor } from '../testing/spec-support';
import { ListAccountsUseCase } from './list-accounts.usecase';

describe('listing accounts', () => {
  it("lists the caller's organisation's accounts and none of another organisation's", async () => {
    const f = createIdentityFakes();
    const [mine, theirs] = [anOrganisation(), anOrganisation()];
    const own = [anAccount({ orgId: mine.id }), anAccount({ orgId: mine.id })];
    for (const a of [...own, anAccount({ orgId: theirs.id })]) await f.accounts.insert(a, null);
    const listed = await new ListAccountsUseCase(f.accounts).execute(
      claimsFor({ orgId: mine.id, roles: ['org-admin'] }),
      mine.id,
    );
    expect(listed.map((a) => a.id).sort()).toEqual(own.map((a) => a.id).sort());
  });

  it("answers not found for another organisation's list, and for a platform account", async () => {
    const f = createIdentityFakes();
    const [mine, theirs] = [anOrganisation(), anOrganisation()];
    await f.accounts.insert(anAccount({ orgId: theirs.id }), null);
    const useCase = new ListAccountsUseCase(f.accounts);
    await expect(
      useCase.execute(claimsFor({ orgId: mine.id, roles: ['org-admin'] }), theirs.id),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      useCase.execute(claimsFor({ orgId: null, roles: ['platform-admin'] }), theirs.id),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
