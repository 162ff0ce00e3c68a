import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/principal';
import { SEVERITY_SCALES } from '../scoring/severity';
import { StudiesService } from '../studies/studies.service';
import { AgreementReport, agreementReport } from './agreement-report';
import { AgreementRepository } from './agreement.repository';

export type ScaleName = keyof typeof SEVERITY_SCALES;

export interface AgreementView extends AgreementReport {
  studyId: string;
  raterNames: Record<string, string>;
  notes: string[];
}

@Injectable()
export class AgreementService {
  constructor(
    private readonly agreement: AgreementRepository,
    private readonly studies: StudiesService,
  ) {}

  async forStudy(principal: Principal, studyId: string, scale: ScaleName): Promise<AgreementView> {
    await this.studies.requireStudyRole(principal, studyId, ['auditor']);
    const pairs = await this.agreement.evaluatedPairs(studyId);
    const report = agreementReport(pairs, SEVERITY_SCALES[scale]);
    const names = await this.agreement.raterNames(report.raters.map((rater) => rater.raterId));
    return {
      studyId,
      ...report,
      raterNames: Object.fromEntries(names.map((rater) => [rater.id, rater.name])),
      notes: [
        'icc11 is ICC(1,1), one-way random: each set may be read by a different rater pair.',
        'icc21ByPair is ICC(2,1), two-way random, absolute agreement, within each fixed rater pair.',
        'Bland–Altman differences are Read A − Read B (slot 1 − slot 2).',
      ],
    };
  }
}
