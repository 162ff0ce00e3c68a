import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { actorOf, Principal } from '../auth/principal';
import { TransactionService } from '../database/transaction.service';
import { StudiesRepository } from '../studies/studies.repository';
import { effectiveRoles, StudiesService } from '../studies/studies.service';
import { ReadRow, ResultsRepository } from './results.repository';

export interface ResultRead {
  raterId: string;
  raterName: string;
  salt: number;
  top: number;
  back: number;
  left: number;
  right: number;
  submittedAt: string;
  /** The read task, for a correction (POST /reads/{id}/reopen); version 2+ is a corrected read. */
  readTaskId: string;
  version: number;
  signature: ResultSignature | null;
}

/** An electronic signature as results show it (21 CFR 11.50). */
export interface ResultSignature {
  printedName: string;
  signedAt: string;
  meaning: string;
}

function toSignature(row: {
  signedBy: string | null;
  signedAt: Date | null;
  signatureMeaning: string | null;
}): ResultSignature | null {
  if (row.signedBy === null || row.signedAt === null || row.signatureMeaning === null) return null;
  return {
    printedName: row.signedBy,
    signedAt: row.signedAt.toISOString(),
    meaning: row.signatureMeaning,
  };
}

/** api-shapes.md ResultRow. */
export interface ResultRow {
  photoSetId: string;
  subjectCode: string;
  visit: string;
  visitDate: string | null;
  status: string;
  readA: ResultRead | null;
  readB: ResultRead | null;
  difference: number | null;
  rulesFired: string[];
  adjudication: {
    choice: string | null;
    adjudicatorId: string;
    adjudicatorName: string;
    rationale: string | null;
    decidedAt: string | null;
    signature: ResultSignature | null;
  } | null;
  finalSalt: number | null;
  source: 'concordant-mean' | 'adjudicated' | null;
}

function toResultRead(row: ReadRow | undefined): ResultRead | null {
  if (!row) return null;
  return {
    raterId: row.raterId,
    raterName: row.raterName,
    salt: row.salt,
    top: row.top,
    back: row.back,
    left: row.left,
    right: row.right,
    submittedAt: row.submittedAt.toISOString(),
    readTaskId: row.readTaskId,
    version: row.version,
    signature: toSignature(row),
  };
}

/** Unblinded results for coordinators, auditors and admins of a study. */
@Injectable()
export class ResultsService {
  constructor(
    private readonly results: ResultsRepository,
    private readonly studies: StudiesService,
    private readonly studiesRepository: StudiesRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
  ) {}

  async rows(principal: Principal, studyId: string): Promise<ResultRow[]> {
    await this.studies.requireStudyRole(principal, studyId, ['coordinator', 'auditor']);
    // DESIGN §2 blinding table: a coordinator sees the two reads only once the set is final
    // (auditors and admins always); discordance and the final score they see throughout.
    const seesOpenReads =
      principal.roles.includes('admin') ||
      effectiveRoles(
        principal,
        await this.studiesRepository.memberRoles(studyId, principal.userId),
      ).includes('auditor');
    const [sets, reads, evaluations, adjudications, finals] = await Promise.all([
      this.results.sets(studyId),
      this.results.reads(studyId),
      this.results.evaluations(studyId),
      this.results.adjudications(studyId),
      this.results.finals(studyId),
    ]);
    const readsBySet = new Map<string, ReadRow[]>();
    for (const read of reads) {
      readsBySet.set(read.photoSetId, [...(readsBySet.get(read.photoSetId) ?? []), read]);
    }
    const evaluationOf = new Map(evaluations.map((row) => [row.photoSetId, row]));
    const adjudicationOf = new Map(adjudications.map((row) => [row.photoSetId, row]));
    const finalOf = new Map(finals.map((row) => [row.photoSetId, row]));
    return sets.map((set) => {
      const showReads = seesOpenReads || set.status === 'final';
      const setReads = readsBySet.get(set.photoSetId) ?? [];
      const evaluation = evaluationOf.get(set.photoSetId);
      const adjudication = adjudicationOf.get(set.photoSetId);
      const final = set.status === 'final' ? finalOf.get(set.photoSetId) : undefined;
      return {
        ...set,
        readA: showReads ? toResultRead(setReads.find((read) => read.slot === 1)) : null,
        readB: showReads ? toResultRead(setReads.find((read) => read.slot === 2)) : null,
        difference: evaluation?.difference ?? null,
        rulesFired: evaluation?.rulesFired ?? [],
        adjudication: adjudication
          ? {
              choice: adjudication.choice,
              adjudicatorId: adjudication.adjudicatorId,
              adjudicatorName: adjudication.adjudicatorName,
              rationale: adjudication.rationale,
              decidedAt: adjudication.decidedAt?.toISOString() ?? null,
              signature: toSignature(adjudication),
            }
          : null,
        finalSalt: final?.salt ?? null,
        source: final?.source ?? null,
      };
    });
  }

  /** Downloading unblinded results (the table, endpoints, a dataset) is itself auditable. */
  async recordExport(
    principal: Principal,
    studyId: string,
    rows: number,
    name: 'results' | 'endpoints' | 'adsalt' | 'adread' = 'results',
  ): Promise<void> {
    await this.tx.run((tx) =>
      this.audit.record(tx, {
        actor: actorOf(principal, principal.roles.includes('admin') ? 'admin' : 'staff'),
        action: AuditAction.ExportDownloaded,
        entityType: 'study',
        entityId: studyId,
        studyId,
        after: { export: name, format: 'csv', rows },
      }),
    );
  }
}
