import type { RoleName } from '@ferry/platform/rbac';
import { Entity, Index, PrimaryColumn } from 'typeorm';

/** One role held by an account; a table rather than a list so role queries use an index. */
@Entity({ name: 'account_roles' })
@Index('ix_account_roles_role', ['role'])
export class AccountRoleEntity {
  @PrimaryColumn({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  role!: RoleName;
}
