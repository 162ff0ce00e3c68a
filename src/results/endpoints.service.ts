import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/principal';
import { StudiesService } from '../studies/studies.service';
import { endpoints, EndpointsReport } from './endpoints';
import { EndpointsRepository } from './endpoints.repository';

export interface EndpointsView extends EndpointsReport {
  studyId: string;
}

/** Trial endpoints for coordinators, auditors and admins (the same people as results). */
@Injectable()
export class EndpointsService {
  constructor(
    private readonly repository: EndpointsRepository,
    private readonly studies: StudiesService,
  ) {}

  async forStudy(principal: Principal, studyId: string): Promise<EndpointsView> {
    await this.studies.requireStudyRole(principal, studyId, ['coordinator', 'auditor']);
    const [settings, schedule, values] = await Promise.all([
      this.studies.getSettings(studyId),
      this.studies.effectiveSchedule(studyId),
      this.repository.visitValues(studyId),
    ]);
    // Without a charter schedule, every label in use counts as scheduled (it is the schedule).
    const listed = settings.visits.length ? settings.visits : schedule;
    const report = endpoints(schedule, values, new Set(listed.map((visit) => visit.label)));
    return { studyId, ...report };
  }
}
