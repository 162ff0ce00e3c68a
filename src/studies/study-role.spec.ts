import { blindingConflict } from './study-role';

describe('blindingConflict', () => {
  it('allows any mix within the blinded side or within the unblinded side', () => {
    expect(blindingConflict(['rater'])).toBeNull();
    expect(blindingConflict(['rater', 'adjudicator'])).toBeNull();
    expect(blindingConflict(['coordinator', 'auditor'])).toBeNull();
    expect(blindingConflict([])).toBeNull();
  });

  it('refuses a reader who would also see unblinded data, naming both sides', () => {
    expect(blindingConflict(['rater', 'coordinator'])).toMatch(
      /rater cannot also be its coordinator/,
    );
    expect(blindingConflict(['adjudicator', 'auditor', 'rater'])).toMatch(
      /adjudicator or rater cannot also be its auditor/,
    );
  });
});
