import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { column, execute, firstRow, oneRow, rows } from '../database/typed-query';
import { Signature, SignatureMeaning, SignatureMethod, SignedRecordType } from './signature';

export const SIGNING_STATE = {
  verifiedAt: column.timestampOrNull(),
  failures: column.int(),
  lockedAt: column.timestampOrNull(),
};

export interface SigningState {
  verifiedAt: Date | null;
  failures: number;
  lockedAt: Date | null;
}

const SIGNATURE = {
  recordId: column.text(),
  signerId: column.text(),
  printedName: column.text(),
  signedAt: column.timestamp(),
  meaning: column.text<SignatureMeaning>(),
  method: column.text<SignatureMethod>(),
};

export interface NewSignature {
  signature: Signature;
  recordType: SignedRecordType;
  recordId: string;
  studyId: string;
  credentialId: string;
}

/** An INSERT into `signatures` and its parameters. */
export interface SignatureInsert {
  sql: string;
  params: unknown[];
}

function insertStatement(input: NewSignature, firstParam: number): SignatureInsert {
  const { signature } = input;
  const params = [
    signature.signerId,
    signature.printedName,
    signature.meaning,
    signature.signedAt,
    signature.method,
    input.recordType,
    input.recordId,
    input.studyId,
    input.credentialId,
  ];
  const values = params.map((_, i) => `$${firstParam + i}`).join(', ');
  return {
    sql: `INSERT INTO signatures (signer_id, printed_name, meaning, signed_at, method,
                                  record_type, record_id, study_id, credential_id)
          VALUES (${values})`,
    params,
  };
}

/** The `signing_credentials` (per session or token) and `signatures` tables. */
@Injectable()
export class SignaturesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async signingState(credentialId: string): Promise<SigningState> {
    const state = await firstRow(
      this.dataSource,
      SIGNING_STATE,
      `SELECT verified_at, failures, locked_at FROM signing_credentials WHERE credential_id = $1`,
      [credentialId],
    );
    return state ?? { verifiedAt: null, failures: 0, lockedAt: null };
  }

  /** A correct password: the session may sign without it from now on; failures start over. */
  async markVerified(credentialId: string, userId: string): Promise<void> {
    await execute(
      this.dataSource,
      `INSERT INTO signing_credentials (credential_id, user_id, verified_at, failures)
       VALUES ($1, $2, now(), 0)
       ON CONFLICT (credential_id) DO UPDATE
         SET verified_at = now(), failures = 0
       WHERE signing_credentials.locked_at IS NULL`,
      [credentialId, userId],
    );
  }

  /** One more wrong password; the credential is locked once `limit` is reached. */
  async recordFailure(credentialId: string, userId: string, limit: number): Promise<SigningState> {
    return oneRow(
      this.dataSource,
      SIGNING_STATE,
      `INSERT INTO signing_credentials (credential_id, user_id, failures, locked_at)
       VALUES ($1, $2, 1, CASE WHEN 1 >= $3::int THEN now() END)
       ON CONFLICT (credential_id) DO UPDATE
         SET failures = signing_credentials.failures + 1,
             locked_at = COALESCE(signing_credentials.locked_at,
               CASE WHEN signing_credentials.failures + 1 >= $3::int THEN now() END)
       RETURNING verified_at, failures, locked_at`,
      [credentialId, userId, limit],
    );
  }

  async insert(tx: EntityManager, input: NewSignature): Promise<void> {
    const statement = insertStatement(input, 1);
    await execute(tx, statement.sql, statement.params);
  }

  /**
   * The INSERT of a signature, with its parameters numbered from `firstParam`, for a repository
   * that writes it as a data-modifying CTE of its record's own statement (score submission).
   */
  insertSql(input: NewSignature, firstParam: number): SignatureInsert {
    return insertStatement(input, firstParam);
  }

  /** The signatures of the given records, by record id (for results and exports). */
  async ofRecords(
    recordType: SignedRecordType,
    recordIds: string[],
  ): Promise<Map<string, Signature>> {
    if (!recordIds.length) return new Map();
    const found = await rows(
      this.dataSource,
      SIGNATURE,
      `SELECT record_id, signer_id, printed_name, signed_at, meaning, method
         FROM signatures WHERE record_type = $1 AND record_id = ANY($2::uuid[])`,
      [recordType, recordIds],
    );
    return new Map(
      found.map((row) => [
        row.recordId,
        {
          signerId: row.signerId,
          printedName: row.printedName,
          signedAt: row.signedAt.toISOString(),
          meaning: row.meaning,
          method: row.method,
        },
      ]),
    );
  }
}
