import { ScheduledVisit } from '../studies/study-settings';
import { adsaltLine, adsaltRows, studyDay, SubjectSet } from './adsalt';
import { raterCodes } from './adread';

const SCHEDULE: ScheduledVisit[] = [
  { label: 'baseline', plannedDay: 1, baseline: true },
  { label: 'month 6', plannedDay: 183, baseline: false },
];

function set(visit: string, finalSalt: number | null, visitDate: string | null = null): SubjectSet {
  return {
    photoSetId: `${visit}-id`,
    visit,
    visitDate,
    status: finalSalt === null ? 'reading' : 'final',
    finalSalt,
    source: finalSalt === null ? null : 'concordant-mean',
  };
}

describe('adsaltRows', () => {
  it('one row per visit with BASE, CHG, PCHG, ABLFL and responder flags', () => {
    // 63 → 28: CHG −35, PCHG −3500/63 = −55.5556: SALT50 yes, SALT75 no; 28 > 20.
    const rows = adsaltRows('CAST', 'P3', SCHEDULE, [
      set('month 6', 28, '2014-07-01'),
      set('baseline', 63, '2014-01-01'),
    ]);
    expect(rows.map((row) => row.AVISIT)).toEqual(['baseline', 'month 6']);
    expect(rows[0]).toMatchObject({
      STUDYID: 'CAST',
      USUBJID: 'CAST-P3',
      AVISITN: 1,
      APLDY: 1,
      ADY: 1,
      AVAL: 63,
      BASE: 63,
      CHG: null,
      PCHG: null,
      ABLFL: 'Y',
      LE20FL: 'N',
      SALT50FL: null,
      AVALSRC: 'concordant-mean',
    });
    // 2014-01-01 → 2014-07-01 is 181 days later: study day 182.
    expect(rows[1]).toMatchObject({
      AVISITN: 2,
      ADY: 182,
      AVAL: 28,
      BASE: 63,
      CHG: -35,
      PCHG: -55.5556,
      ABLFL: null,
      LE20FL: 'N',
      LE10FL: 'N',
      SALT50FL: 'Y',
      SALT75FL: 'N',
      SALT90FL: 'N',
    });
  });

  it('keeps one decimal exactly in CHG (no 0.30000000000000004)', () => {
    const [, row] = adsaltRows('S', 'A', SCHEDULE, [set('baseline', 20.3), set('month 6', 20)]);
    expect(row.CHG).toBe(-0.3);
  });

  it('baseline 0: CHG but no PCHG and no relative flags; no baseline: neither', () => {
    const [, zero] = adsaltRows('S', 'Z', SCHEDULE, [set('baseline', 0), set('month 6', 5)]);
    expect(zero).toMatchObject({ BASE: 0, CHG: 5, PCHG: null, SALT50FL: null, LE10FL: 'Y' });
    const [lone] = adsaltRows('S', 'B', SCHEDULE, [set('month 6', 10)]);
    expect(lone).toMatchObject({ BASE: null, CHG: null, PCHG: null, SALT50FL: null, LE20FL: 'Y' });
  });

  it('a set not yet final has a row with no value and no flags, never an imputed one', () => {
    const [baseline, month6] = adsaltRows('S', 'A', SCHEDULE, [
      set('baseline', null),
      set('month 6', 40),
    ]);
    expect(baseline).toMatchObject({ AVAL: null, ABLFL: null, LE20FL: null, SETSTAT: 'reading' });
    expect(month6).toMatchObject({ BASE: null, CHG: null });
  });

  it('writes CSV cells in column order, empty for null', () => {
    const [row] = adsaltRows('S', 'A', SCHEDULE, [set('baseline', 63)]);
    expect(adsaltLine(row)).toBe(
      'S,S-A,A,baseline,1,1,,,SALT,Severity of Alopecia Tool score (%),63,63,,,Y,N,N,,,,' +
        'concordant-mean,final,baseline-id\r\n',
    );
  });
});

describe('studyDay', () => {
  it('has no day 0', () => {
    expect(studyDay('2026-01-10', '2026-01-10')).toBe(1);
    expect(studyDay('2026-01-09', '2026-01-10')).toBe(-1);
    expect(studyDay(null, '2026-01-10')).toBeNull();
  });
});

describe('raterCodes', () => {
  it('numbers raters in order of first read', () => {
    expect([...raterCodes(['u9', 'u3']).entries()]).toEqual([
      ['u9', 'R01'],
      ['u3', 'R02'],
    ]);
  });
});
