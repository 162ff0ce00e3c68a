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
    const names = await this.agreement.raterNames(pairs.raterIds);
    const raterNames: Record<string, string> = Object.fromEntries(
      names.map((rater) => [rater.id, rater.name]),
    );
    const report = agreementReport(
      pairs,
      SEVERITY_SCALES[scale],
      (raterId) => raterNames[raterId] ?? raterId.slice(0, 8),
    );
    return {
      studyId,
      ...report,
      raterNames,
      notes: [
        'ICC(1,1) is one-way random: each set may be read by a different rater pair.',
        'ICC(2,1) is two-way random, absolute agreement, within each fixed rater pair.',
        'Per-pair Bland–Altman differences are the first-named rater − the second, on every set ' +
          'both read, whichever slot each read was in.',
        ...report.notes,
      ],
    };
  }
}
