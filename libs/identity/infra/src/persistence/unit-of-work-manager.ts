import { type DataSource, EntityManager } from 'typeorm';

/** The manager a repository works through: the data source's own, or the one of a unit of work's transaction. */
export function managerOf(db: DataSource | EntityManager): EntityManager {
  return db instanceof EntityManager ? db : db.manager;
}
