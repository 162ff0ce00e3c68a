import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LoginThrottle } from '../account/login-throttle';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { actorOf, Principal } from '../auth/principal';
import { verifyPassword } from '../auth/password';
import { DomainError } from '../common/domain-error';
import { RequestContext } from '../common/request-context';
import { TransactionService } from '../database/transaction.service';
import { StudiesService } from '../studies/studies.service';
import { UsersRepository } from '../users/users.repository';
import {
  passwordRequired,
  Signature,
  SignatureMeaning,
  SignatureMethod,
  SignedRecordType,
  SIGNING_FAILURE_LIMIT,
} from './signature';
import { SignatureInsert, SignaturesRepository, SigningState } from './signatures.repository';

/** A signer checked before the signed record's transaction; `record` stamps the signature. */
export interface SigningGrant {
  principal: Principal;
  meaning: SignatureMeaning;
  method: SignatureMethod;
}

/** What `authorizeWith` decides on: the session's signing state and the study's rule. */
export interface SigningContext {
  studyId: string;
  state: SigningState;
  /** The study asks for the password at every signing (StudySettings.signatureEverySigning). */
  everySigning: boolean;
}

/** The record a signature is stamped on. */
export interface SignedRecord {
  recordType: SignedRecordType;
  recordId: string;
  studyId: string;
}

/** The manifestation of a signature made now under `grant` (11.50). */
function manifestation(grant: SigningGrant): Signature {
  return {
    signerId: grant.principal.userId,
    printedName: grant.principal.name,
    signedAt: new Date().toISOString(),
    meaning: grant.meaning,
    method: grant.method,
  };
}

/** What a signing form needs to know before the signer presses "Sign". */
export interface SigningRequirement {
  printedName: string;
  meaning: SignatureMeaning;
  passwordRequired: boolean;
  /** Signing is locked for this session after repeated wrong passwords: sign in again. */
  locked: boolean;
  attemptsLeft: number;
}

const LOCKED_MESSAGE =
  `Signing is locked for this session after ${SIGNING_FAILURE_LIMIT} wrong passwords; ` +
  'sign out and sign in again to sign';

function lockedError(): DomainError {
  return new DomainError('locked', LOCKED_MESSAGE);
}

/**
 * Electronic signatures (21 CFR 11.50, 11.200): the signer re-enters their password at the first
 * signing of a session (every signing when the study says so, or through an API token). A wrong
 * password counts toward the sign-in throttle, and after SIGNING_FAILURE_LIMIT of them the session
 * can sign no more. Nothing is written on a refusal except the refusal's own audit event, so the
 * form's data can be sent again.
 */
@Injectable()
export class SignaturesService {
  constructor(
    private readonly signatures: SignaturesRepository,
    private readonly users: UsersRepository,
    private readonly studies: StudiesService,
    private readonly throttle: LoginThrottle,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
  ) {}

  async requirement(
    principal: Principal,
    studyId: string,
    meaning: SignatureMeaning,
  ): Promise<SigningRequirement> {
    const [state, everySigning] = await Promise.all([
      this.signatures.signingState(principal.credentialId),
      this.everySigning(studyId),
    ]);
    return {
      printedName: principal.name,
      meaning,
      passwordRequired: passwordRequired({
        via: principal.via,
        verifiedAt: state.verifiedAt,
        everySigning,
      }),
      locked: state.lockedAt !== null,
      attemptsLeft: Math.max(0, SIGNING_FAILURE_LIMIT - state.failures),
    };
  }

  /**
   * Checks the signer (and their password when this signing needs it). Throws 403 for a missing
   * or wrong password, 423 once signing is locked for the session, 429 while sign-in is throttled.
   */
  async authorize(
    principal: Principal,
    studyId: string,
    meaning: SignatureMeaning,
    password: string | undefined,
  ): Promise<SigningGrant> {
    const [state, everySigning] = await Promise.all([
      this.signatures.signingState(principal.credentialId),
      this.everySigning(studyId),
    ]);
    return this.authorizeWith(principal, { studyId, state, everySigning }, meaning, password);
  }

  /**
   * `authorize`, for a caller that read the session's signing state and the study's rule
   * itself, with the record to sign (score submission: one query instead of three).
   */
  async authorizeWith(
    principal: Principal,
    context: SigningContext,
    meaning: SignatureMeaning,
    password: string | undefined,
  ): Promise<SigningGrant> {
    const { studyId, state, everySigning } = context;
    if (state.lockedAt) throw lockedError();
    const required = passwordRequired({
      via: principal.via,
      verifiedAt: state.verifiedAt,
      everySigning,
    });
    if (!required) return { principal, meaning, method: 'session' };
    if (password === undefined || password === '') {
      throw new DomainError(
        'forbidden',
        `Re-enter your password to sign ("${meaning}"); nothing was saved yet`,
      );
    }
    const ip = RequestContext.current()?.ip ?? 'unknown';
    await this.throttle.assertAllowed(principal.email, ip);
    const user = await this.users.findByEmailWithHash(principal.email);
    const ok =
      user !== null &&
      user.id === principal.userId &&
      user.active &&
      (await verifyPassword(user.passwordHash, password));
    if (!ok) await this.refuse(principal, studyId, meaning, ip);
    await this.signatures.markVerified(principal.credentialId, principal.userId);
    return { principal, meaning, method: 'password' };
  }

  /** Stamps the signature on the record, in the record's transaction; returns its manifestation. */
  async record(tx: EntityManager, grant: SigningGrant, target: SignedRecord): Promise<Signature> {
    const signature = manifestation(grant);
    await this.signatures.insert(tx, {
      signature,
      ...target,
      credentialId: grant.principal.credentialId,
    });
    return signature;
  }

  /** The manifestation of a signature made now under `grant`: what `prepare` writes. */
  manifestation(grant: SigningGrant): Signature {
    return manifestation(grant);
  }

  /**
   * `record`, as an INSERT for the record's repository to run in the record's own statement
   * (score submission), with its parameters numbered from `firstParam`.
   */
  prepare(
    grant: SigningGrant,
    signature: Signature,
    target: SignedRecord,
    firstParam: number,
  ): SignatureInsert {
    return this.signatures.insertSql(
      { signature, ...target, credentialId: grant.principal.credentialId },
      firstParam,
    );
  }

  ofRecords(recordType: SignedRecordType, recordIds: string[]): Promise<Map<string, Signature>> {
    return this.signatures.ofRecords(recordType, recordIds);
  }

  private async refuse(
    principal: Principal,
    studyId: string,
    meaning: SignatureMeaning,
    ip: string,
  ): Promise<never> {
    await this.throttle.recordFailure(principal.email, ip);
    const state = await this.signatures.recordFailure(
      principal.credentialId,
      principal.userId,
      SIGNING_FAILURE_LIMIT,
    );
    const locked = state.lockedAt !== null;
    await this.tx.run((tx) =>
      this.audit.record(tx, {
        actor: actorOf(principal),
        action: AuditAction.SignatureRefused,
        entityType: principal.via === 'session' ? 'session' : 'api-token',
        entityId: principal.credentialId,
        studyId,
        after: { meaning, reason: 'wrong-password', failures: state.failures, locked },
      }),
    );
    if (locked) throw lockedError();
    const left = SIGNING_FAILURE_LIMIT - state.failures;
    throw new DomainError(
      'forbidden',
      `The password is incorrect; the signature was refused and nothing was saved ` +
        `(${left} ${left === 1 ? 'attempt' : 'attempts'} left before signing is locked for this session)`,
    );
  }

  private async everySigning(studyId: string): Promise<boolean> {
    const settings = await this.studies.getSettings(studyId);
    return settings.signatureEverySigning;
  }
}
