import { StudyRole } from './study-role';
import { StudySettings, withDefaults } from './study-settings';
import { StudyEntity } from './study.entity';

export interface StudyView {
  id: string;
  code: string;
  title: string;
  settings: StudySettings;
  createdAt: string;
}

export interface StudyListItem extends StudyView {
  myRoles: StudyRole[];
}

export interface StudyDetail extends StudyListItem {
  /** Photo sets per status: unblinded staff only (admin, coordinator, auditor). */
  statusCounts?: Record<string, number>;
}

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  roles: StudyRole[];
  active: boolean;
}

export function toStudyView(study: StudyEntity): StudyView {
  return {
    id: study.id,
    code: study.code,
    title: study.title,
    settings: withDefaults(study.settings),
    createdAt: study.createdAt.toISOString(),
  };
}
