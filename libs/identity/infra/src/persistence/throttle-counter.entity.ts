import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failures counted for one opaque key in a fixed window, and the lock end if locked. */
@Entity({ name: 'throttle_counters' })
export class ThrottleCounterEntity {
  @PrimaryColumn({ name: 'throttle_key', type: 'varchar', length: 200 })
  key!: string;

  @Column({ type: 'int' })
  failures!: number;

  @Column({ name: 'window_ends_at', type: Date })
  windowEndsAt!: Date;

  @Column({ name: 'locked_until', type: Date, nullable: true })
  lockedUntil!: Date | null;
}
