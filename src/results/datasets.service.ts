import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/principal';
import { StudiesRepository } from '../studies/studies.repository';
import { effectiveRoles, StudiesService } from '../studies/studies.service';
import { adreadHeader, adreadLine, raterCodes } from './adread';
import { adsaltHeader, adsaltLine, adsaltRows, SubjectSet } from './adsalt';
import { DatasetsRepository, SubjectSetRow } from './datasets.repository';
import { ResultsService } from './results.service';

/** Subjects per page: with a handful of visits each, a few thousand rows at a time. */
const PAGE_SUBJECTS = 1000;

export type DatasetName = 'adsalt' | 'adread';

/**
 * The analysis datasets as CSV chunks. The returned promise settles once access is checked and
 * the export audited (so refusals are ordinary error answers); the chunks then come one page of
 * subjects at a time.
 */
@Injectable()
export class DatasetsService {
  constructor(
    private readonly datasets: DatasetsRepository,
    private readonly studies: StudiesService,
    private readonly studiesRepository: StudiesRepository,
    private readonly results: ResultsService,
  ) {}

  async open(
    principal: Principal,
    studyId: string,
    name: DatasetName,
  ): Promise<AsyncIterable<string>> {
    const study = await this.studies.requireStudyRole(principal, studyId, [
      'coordinator',
      'auditor',
    ]);
    const schedule = await this.studies.effectiveSchedule(studyId);
    await this.results.recordExport(
      principal,
      studyId,
      await this.datasets.setCount(studyId),
      name,
    );
    if (name === 'adsalt') return this.adsalt(study.code, studyId, schedule);
    // DESIGN §2 blinding table: a coordinator sees reads only once their set is final.
    const seesOpenReads =
      principal.roles.includes('admin') ||
      effectiveRoles(
        principal,
        await this.studiesRepository.memberRoles(studyId, principal.userId),
      ).includes('auditor');
    return this.adread(study.code, studyId, schedule, !seesOpenReads);
  }

  private async *adsalt(
    studyCode: string,
    studyId: string,
    schedule: Awaited<ReturnType<StudiesService['effectiveSchedule']>>,
  ): AsyncGenerator<string> {
    yield adsaltHeader();
    for await (const page of this.pages(studyId, (after, last) =>
      this.datasets.subjectSets(studyId, after, last),
    )) {
      let chunk = '';
      for (const [subjectCode, sets] of bySubject(page)) {
        for (const row of adsaltRows(studyCode, subjectCode, schedule, sets)) {
          chunk += adsaltLine(row);
        }
      }
      yield chunk;
    }
  }

  private async *adread(
    studyCode: string,
    studyId: string,
    schedule: Awaited<ReturnType<StudiesService['effectiveSchedule']>>,
    finalOnly: boolean,
  ): AsyncGenerator<string> {
    const codes = raterCodes(await this.datasets.ratersInFirstReadOrder(studyId));
    const visitNumber = new Map(schedule.map((visit, index) => [visit.label, index + 1]));
    yield adreadHeader();
    for await (const page of this.pages(studyId, (after, last) =>
      this.datasets.reads(studyId, after, last, finalOnly),
    )) {
      yield page
        .map((read) =>
          adreadLine(
            studyCode,
            read,
            visitNumber.get(read.visit) ?? null,
            codes.get(read.raterId) ?? '',
          ),
        )
        .join('');
    }
  }

  /** The rows of each page of subjects, in subject code order, until no subject follows. */
  private async *pages<T>(
    studyId: string,
    fetch: (after: string, last: string) => Promise<T[]>,
  ): AsyncGenerator<T[]> {
    let after = '';
    for (;;) {
      const codes = await this.datasets.subjectPage(studyId, after, PAGE_SUBJECTS);
      if (codes.length === 0) return;
      const last = codes[codes.length - 1];
      yield await fetch(after, last);
      after = last;
    }
  }
}

function bySubject(page: SubjectSetRow[]): Map<string, SubjectSet[]> {
  const subjects = new Map<string, SubjectSet[]>();
  for (const { subjectCode, ...set } of page) {
    const sets = subjects.get(subjectCode);
    if (sets) sets.push(set);
    else subjects.set(subjectCode, [set]);
  }
  return subjects;
}
