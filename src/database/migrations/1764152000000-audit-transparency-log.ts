import { MigrationInterface, QueryRunner } from 'typeorm';
import { AuditAppendFunction1764150700000 } from './1764150700000-audit-append-function';

/**
 * The audit trail becomes a transparency log (docs/audit.md): writers no longer take the global
 * chain lock. Each event is inserted in its writer's transaction with its own leaf hash and the
 * writer's transaction id; the sealer (src/audit/audit-sealer.ts) later appends committed events
 * to a Merkle tree, in commit-safe order, and signs checkpoints of it.
 *
 * Existing events keep their seq, prev_hash and hash, so the old chain still verifies as it
 * stands; they have no xid and are sealed first, in seq order. Their number and last hash are
 * written down here, once, so the verifier knows where the old chain ends.
 */
export class AuditTransparencyLog1764152000000 implements MigrationInterface {
  name = 'AuditTransparencyLog1764152000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_chain_origin (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        chained_events bigint NOT NULL,
        chain_last_hash text NOT NULL
      )`);
    await db.query(`
      INSERT INTO audit_chain_origin (chained_events, chain_last_hash)
      SELECT count(*), coalesce((SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1),
                                repeat('0', 64))
        FROM audit_events`);

    // seq stays the paging cursor; it now comes from a sequence and may have holes (a rolled
    // back writer's number). The gapless order is the leaf index.
    await db.query(`CREATE SEQUENCE audit_events_seq_seq OWNED BY audit_events.seq`);
    await db.query(
      `SELECT setval('audit_events_seq_seq', coalesce(max(seq), 0) + 1, false) FROM audit_events`,
    );
    await db.query(
      `ALTER TABLE audit_events ALTER COLUMN seq SET DEFAULT nextval('audit_events_seq_seq')`,
    );
    // The writer's transaction: the sealer takes events only from transactions older than every
    // running one. Existing (chained) events keep null; every new row must have one.
    await db.query(`ALTER TABLE audit_events ADD COLUMN xid xid8`);
    await db.query(`ALTER TABLE audit_events ALTER COLUMN xid SET DEFAULT pg_current_xact_id()`);
    await db.query(
      `ALTER TABLE audit_events ADD CONSTRAINT audit_events_xid_set CHECK (xid IS NOT NULL) NOT VALID`,
    );
    await db.query(`ALTER TABLE audit_events ALTER COLUMN prev_hash DROP NOT NULL`);
    await db.query(
      `CREATE INDEX audit_events_commit_order_idx ON audit_events (xid, seq) WHERE xid IS NOT NULL`,
    );
    await db.query(`CREATE INDEX audit_events_chained_idx ON audit_events (seq) WHERE xid IS NULL`);

    await db.query(`
      CREATE TABLE audit_leaves (
        leaf_index bigint PRIMARY KEY CHECK (leaf_index >= 0),
        seq bigint NOT NULL UNIQUE,
        leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32)
      )`);
    await db.query(`
      CREATE TABLE audit_checkpoints (
        tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
        root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32),
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        signature bytea NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_chain_origin', 'audit_leaves', 'audit_checkpoints']) {
      await db.query(`
        CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
      await db.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
    }

    // The writer's one statement, without any lock: seq from the sequence, the time, and the
    // leaf hash SHA-256(0x00 || canonical JSON) (RFC 6962), the JSON serialised by the caller
    // with placeholders for seq and occurredAt exactly as audit_append took it.
    await db.query(`DROP FUNCTION audit_append(uuid, text, text, text, text, text, uuid, jsonb,
      jsonb, text, text, text, text, text)`);
    await db.query(`
      CREATE FUNCTION audit_record(
        p_actor_id uuid, p_actor_name text, p_actor_role text, p_action text,
        p_entity_type text, p_entity_id text, p_study_id uuid, p_before jsonb, p_after jsonb,
        p_reason text, p_request_id text, p_ip text, p_user_agent text, p_canonical text,
        OUT seq bigint, OUT occurred_at timestamptz, OUT hash text)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        canonical text;
      BEGIN
        seq := nextval('audit_events_seq_seq');
        occurred_at := date_trunc('milliseconds', clock_timestamp());
        canonical := replace(
          replace(p_canonical, '"seq":"\\u0000seq"', '"seq":"' || seq || '"'),
          '"occurredAt":"\\u0000occurredAt"',
          '"occurredAt":"' ||
            to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"');
        IF canonical = p_canonical THEN
          RAISE EXCEPTION 'audit_record: canonical JSON lacks its placeholders';
        END IF;
        hash := encode(sha256('\\x00'::bytea || convert_to(canonical, 'UTF8')), 'hex');
        INSERT INTO audit_events (seq, occurred_at, actor_id, actor_name, actor_role, action,
          entity_type, entity_id, study_id, before, after, reason, request_id, ip, user_agent,
          prev_hash, hash)
        VALUES (seq, occurred_at, p_actor_id, p_actor_name, p_actor_role, p_action,
          p_entity_type, p_entity_id, p_study_id, p_before, p_after, p_reason, p_request_id,
          p_ip, p_user_agent, NULL, hash);
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    const [{ unchained }] = (await db.query(
      `SELECT count(*)::int AS unchained FROM audit_events WHERE xid IS NOT NULL`,
    )) as { unchained: number }[];
    if (unchained > 0) {
      throw new Error(
        `${unchained} audit events were recorded without a hash chain; they cannot be rolled back`,
      );
    }
    await db.query(`DROP FUNCTION audit_record(uuid, text, text, text, text, text, uuid, jsonb,
      jsonb, text, text, text, text, text)`);
    await new AuditAppendFunction1764150700000().up(db);
    await db.query(`DROP TABLE audit_checkpoints`);
    await db.query(`DROP TABLE audit_leaves`);
    await db.query(`DROP TABLE audit_chain_origin`);
    await db.query(`DROP FUNCTION audit_log_append_only`);
    await db.query(`DROP INDEX audit_events_chained_idx`);
    await db.query(`DROP INDEX audit_events_commit_order_idx`);
    await db.query(`ALTER TABLE audit_events ALTER COLUMN prev_hash SET NOT NULL`);
    await db.query(`ALTER TABLE audit_events DROP CONSTRAINT audit_events_xid_set`);
    await db.query(`ALTER TABLE audit_events DROP COLUMN xid`);
    await db.query(`ALTER TABLE audit_events ALTER COLUMN seq DROP DEFAULT`);
    await db.query(`DROP SEQUENCE audit_events_seq_seq`);
  }
}
