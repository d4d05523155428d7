import { Inject, Injectable } from '@nestjs/common';
import { AlreadyExistsError, type OrganisationRepository } from '@ferry/identity/application';
import type { Organisation, SsoSettings } from '@ferry/identity/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { OrganisationEntity } from './organisation.entity';
import { decodeSsoSettings, encodeSsoSettings } from './sso-settings.codec';
import { violatedUniqueConstraint } from './unique-violation';
import { managerOf } from './unit-of-work-manager';

/** Organisations with their SSO settings stored as one JSON document; over the data source or a unit of work's manager. */
@Injectable()
export class TypeormOrganisationRepository implements OrganisationRepository {
  private readonly db: EntityManager;

  constructor(@Inject(DataSource) db: DataSource | EntityManager) {
    this.db = managerOf(db);
  }

  async insert(org: Organisation): Promise<void> {
    try {
      await this.db.getRepository(OrganisationEntity).insert({
        id: org.id,
        name: org.name,
        mfaRequired: org.mfaRequired,
        ssoSettings: encodeSsoSettings(org.sso),
        createdAt: org.createdAt,
      });
    } catch (err) {
      if (violatedUniqueConstraint(err) !== null) throw new AlreadyExistsError('organisation');
      throw err;
    }
  }

  async findById(id: string): Promise<Organisation | null> {
    const row = await this.db.getRepository(OrganisationEntity).findOne({ where: { id } });
    return row
      ? {
          id: row.id,
          name: row.name,
          mfaRequired: row.mfaRequired,
          sso: decodeSsoSettings(row.ssoSettings),
          createdAt: row.createdAt,
        }
      : null;
  }

  /** Refused by the database (foreign key) while accounts still belong to the organisation. */
  async remove(id: string): Promise<void> {
    await this.db.getRepository(OrganisationEntity).delete({ id });
  }

  async updateMfaRequired(id: string, mfaRequired: boolean): Promise<void> {
    await this.db.getRepository(OrganisationEntity).update({ id }, { mfaRequired });
  }

  async updateSso(id: string, sso: SsoSettings): Promise<void> {
    await this.db.getRepository(OrganisationEntity).update({ id }, { ssoSettings: encodeSsoSettings(sso) });
  }
}
