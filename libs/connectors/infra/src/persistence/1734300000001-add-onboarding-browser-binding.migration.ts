import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Adds onboarding_transactions.binding_hash: the SHA-256 of a delegation's browser binding. Rows
 * written before it keep NULL, and the service refuses to complete those delegations (they live 30
 * minutes; starting again is the cure), rather than completing them unbound.
 */
export class AddOnboardingBrowserBinding1734300000001 implements MigrationInterface {
  name = 'AddOnboardingBrowserBinding1734300000001';

  async up(q: QueryRunner): Promise<void> {
    const schema = (q.connection.options as { schema?: string }).schema ?? 'connectors';
    await q.addColumn(`${schema}.onboarding_transactions`, new TableColumn({ name: 'binding_hash', type: 'varchar', length: '64', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    const schema = (q.connection.options as { schema?: string }).schema ?? 'connectors';
    await q.dropColumn(`${schema}.onboarding_transactions`, 'binding_hash');
  }
}
