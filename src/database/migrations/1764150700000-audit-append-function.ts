import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appends one audit event under the chain lock in a single statement, so an append holds the
 * lock for one statement plus its commit instead of three client round trips. The caller sends
 * the event's canonical JSON (src/audit/audit-hash.ts) with two placeholders, `"seq":"\u0000seq"`
 * and `"occurredAt":"\u0000occurredAt"`, which only the lock holder can fill in; NUL can occur in
 * no stored text or jsonb, so the placeholders cannot collide with data. The hash is
 * SHA-256(prev_hash || "\n" || canonical JSON), exactly eventHash; the verifier recomputes it in
 * Node from the stored columns, so the two implementations check each other.
 */
export class AuditAppendFunction1764150700000 implements MigrationInterface {
  name = 'AuditAppendFunction1764150700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION audit_append(
        p_actor_id uuid, p_actor_name text, p_actor_role text, p_action text,
        p_entity_type text, p_entity_id text, p_study_id uuid, p_before jsonb, p_after jsonb,
        p_reason text, p_request_id text, p_ip text, p_user_agent text, p_canonical text,
        OUT seq bigint, OUT occurred_at timestamptz, OUT prev_hash text, OUT hash text)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        last_seq bigint;
        last_hash text;
        canonical text;
      BEGIN
        -- The chain lock (AUDIT_CHAIN_LOCK in audit.repository.ts), held until commit.
        PERFORM pg_advisory_xact_lock(1511497937);
        -- A VOLATILE function's statements each take a fresh snapshot: this sees the previous
        -- holder's committed event.
        SELECT e.seq, e.hash INTO last_seq, last_hash FROM audit_events e ORDER BY e.seq DESC LIMIT 1;
        seq := coalesce(last_seq, 0) + 1;
        prev_hash := coalesce(last_hash, repeat('0', 64));
        occurred_at := date_trunc('milliseconds', clock_timestamp());
        canonical := replace(
          replace(p_canonical, '"seq":"\\u0000seq"', '"seq":"' || seq || '"'),
          '"occurredAt":"\\u0000occurredAt"',
          '"occurredAt":"' ||
            to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"');
        IF canonical = p_canonical THEN
          RAISE EXCEPTION 'audit_append: canonical JSON lacks its placeholders';
        END IF;
        hash := encode(sha256(convert_to(prev_hash || E'\\n' || canonical, 'UTF8')), 'hex');
        INSERT INTO audit_events (seq, occurred_at, actor_id, actor_name, actor_role, action,
          entity_type, entity_id, study_id, before, after, reason, request_id, ip, user_agent,
          prev_hash, hash)
        VALUES (seq, occurred_at, p_actor_id, p_actor_name, p_actor_role, p_action,
          p_entity_type, p_entity_id, p_study_id, p_before, p_after, p_reason, p_request_id,
          p_ip, p_user_agent, prev_hash, hash);
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `DROP FUNCTION audit_append(uuid, text, text, text, text, text, uuid, jsonb, jsonb, text,
         text, text, text, text)`,
    );
  }
}
