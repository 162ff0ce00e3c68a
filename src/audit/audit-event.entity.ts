import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'audit_events' })
export class AuditEventEntity {
  // bigint arrives from pg as a string; keep it one to avoid precision loss.
  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_name', type: 'text' })
  actorName!: string;

  @Column({ name: 'actor_role', type: 'text' })
  actorRole!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType!: string;

  @Column({ name: 'entity_id', type: 'text', nullable: true })
  entityId!: string | null;

  @Column({ name: 'study_id', type: 'uuid', nullable: true })
  studyId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after!: unknown;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  /** The old hash chain's link, on events recorded before the log (null on newer events). */
  @Column({ name: 'prev_hash', type: 'text', nullable: true })
  prevHash!: string | null;

  /**
   * Chained events: SHA-256(prevHash, "\n", canonical JSON). Newer events: their RFC 6962 leaf
   * hash, SHA-256(0x00 || canonical JSON), written by the writer and sealed into the log as is.
   */
  @Column({ type: 'text' })
  hash!: string;
}
