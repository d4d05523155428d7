import { Inject, Injectable } from '@nestjs/common';
import type { IdentityTransaction, IdentityUnitOfWork } from '@ferry/identity/application';
import { EnvelopeCipher } from '@ferry/platform/crypto';
import { DataSource } from 'typeorm';
import { TypeormAccountRepository } from './typeorm-account.repository';
import { TypeormOrganisationRepository } from './typeorm-organisation.repository';
import { TypeormSessionRepository } from './typeorm-session.repository';

/**
 * One database transaction per unit of work (the server's default isolation, READ COMMITTED), with
 * identity's repositories bound to it. A repository call that is a transaction of its own elsewhere
 * (setting roles, clearing MFA) becomes a savepoint inside it. Commits when the work resolves; rolls
 * back when it throws, and when the process dies before the commit.
 */
@Injectable()
export class TypeormIdentityUnitOfWork implements IdentityUnitOfWork {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(EnvelopeCipher) private readonly cipher: EnvelopeCipher,
  ) {}

  run<T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((manager) =>
      work({
        organisations: new TypeormOrganisationRepository(manager),
        accounts: new TypeormAccountRepository(manager, this.cipher),
        sessions: new TypeormSessionRepository(manager),
      }),
    );
  }
}
