import type { IdentityTransaction, IdentityUnitOfWork } from '@ferry/identity/application';
import type { MemoryAccountRepository } from './memory-account.repository';
import type { MemoryOrganisationRepository } from './memory-organisation.repository';
import type { MemorySessionRepository } from './memory-session.repository';

/**
 * IdentityUnitOfWork over the memory repositories, with a transaction's visible effects: the work
 * writes to staged copies, which reach the repositories only when it resolves (rows it did not
 * touch keep what others wrote meanwhile); when it throws, they are dropped. Until then readers of
 * the repositories see the state before the unit began. Units run one at a time (no nesting).
 */
export class MemoryUnitOfWork implements IdentityUnitOfWork {
  /** How many units committed and rolled back so far. */
  committed = 0;
  rolledBack = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repositories: {
      readonly organisations: MemoryOrganisationRepository;
      readonly accounts: MemoryAccountRepository;
      readonly sessions: MemorySessionRepository;
    },
  ) {}

  run<T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T> {
    const turn = this.queue.then(() => this.once(work));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async once<T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T> {
    const organisations = this.repositories.organisations.stage();
    const accounts = this.repositories.accounts.stage();
    const sessions = this.repositories.sessions.stage();
    let result: T;
    try {
      result = await work({
        organisations: organisations.repository,
        accounts: accounts.repository,
        sessions: sessions.repository,
      });
    } catch (err) {
      this.rolledBack += 1;
      throw err;
    }
    for (const staged of [organisations, accounts, sessions]) staged.commit();
    this.committed += 1;
    return result;
  }
}
