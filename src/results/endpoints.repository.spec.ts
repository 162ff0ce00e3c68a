import { latestVersions } from './endpoints.repository';

describe('latestVersions', () => {
  it("keeps each set's latest final version and every set without one", () => {
    expect(
      latestVersions([
        { subjectCode: 'A', visit: 'baseline', finalSalt: 40, version: 1 },
        { subjectCode: 'A', visit: 'week 12', finalSalt: 30, version: 1 },
        { subjectCode: 'A', visit: 'week 12', finalSalt: 25, version: 3 },
        { subjectCode: 'A', visit: 'week 12', finalSalt: 28, version: 2 },
        { subjectCode: 'B', visit: 'week 12', finalSalt: null, version: null },
      ]),
    ).toEqual([
      { subjectCode: 'A', visit: 'baseline', finalSalt: 40 },
      { subjectCode: 'A', visit: 'week 12', finalSalt: 25 },
      { subjectCode: 'B', visit: 'week 12', finalSalt: null },
    ]);
  });
});
