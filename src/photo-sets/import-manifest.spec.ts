import { planImport } from './import-manifest';

const header = 'subject_code,visit,visit_date,view,file\n';
function manifest(rows: string[]): Buffer {
  return Buffer.from(header + rows.join('\n') + '\n');
}
function fourViews(subject: string, visit: string, date = '2024-01-02'): string[] {
  return ['top', 'back', 'left', 'right'].map(
    (view) => `${subject},${visit},${date},${view},${subject}-${visit}-${view}.jpg`,
  );
}

describe('planImport', () => {
  it('plans complete sets from a clean manifest', () => {
    const rows = [...fourViews('S1', 'base'), ...fourViews('S1', 'week12', '')];
    const files = rows.map((row) => row.split(',')[4]);
    const plan = planImport(manifest(rows), files);
    expect(plan.problems).toEqual([]);
    expect(plan.sets).toHaveLength(2);
    expect(plan.sets[0]).toMatchObject({
      subjectCode: 'S1',
      visit: 'base',
      visitDate: '2024-01-02',
      row: 2,
    });
    expect(plan.sets[1].visitDate).toBeNull();
    expect(plan.sets[0].images.map((i) => i.view)).toEqual(['top', 'back', 'left', 'right']);
  });

  it('lists every problem with its row', () => {
    const rows = fourViews('S1', 'base');
    rows[1] = 'S1,base,2024-01-02,back,missing.jpg';
    rows.push('S2,base,2024-02-30,top,S2-top.jpg');
    rows.push('S2,base,2024-02-30,front,S2-front.jpg');
    rows.push('S1,base,2024-01-02,top,S1-base-top-again.jpg');
    const files = [
      'S1-base-top.jpg',
      'S1-base-left.jpg',
      'S1-base-right.jpg',
      'S2-top.jpg',
      'S2-front.jpg',
      'S1-base-top-again.jpg',
      'stray.jpg',
    ];
    const { problems } = planImport(manifest(rows), files);
    expect(problems).toEqual([
      { row: 0, reason: 'stray.jpg is in the archive but not in manifest.csv' },
      { row: 3, reason: 'file missing.jpg is not in the archive' },
      { row: 6, reason: 'visit_date "2024-02-30" is not a real date written YYYY-MM-DD' },
      { row: 7, reason: 'visit_date "2024-02-30" is not a real date written YYYY-MM-DD' },
      { row: 7, reason: 'view "front" is unknown; use top, back, left, right' },
      {
        row: 8,
        reason: 'duplicate: subject S1 visit base view top is already on row 2',
      },
    ]);
  });

  it('flags rows of one set that give different dates', () => {
    const rows = fourViews('S1', 'base');
    rows[3] = rows[3].replace('2024-01-02', '2024-01-03');
    const files = rows.map((row) => row.split(',')[4]);
    expect(planImport(manifest(rows), files).problems).toEqual([
      { row: 2, reason: 'subject S1 visit base: rows give different visit dates' },
    ]);
  });

  it('names the views a set lacks', () => {
    const rows = fourViews('S1', 'base').slice(0, 2);
    const files = rows.map((row) => row.split(',')[4]);
    expect(planImport(manifest(rows), files).problems).toEqual([
      { row: 2, reason: 'subject S1 visit base lacks the left, right views' },
    ]);
  });

  it('reports a missing manifest or missing columns', () => {
    expect(planImport(undefined, []).problems[0].reason).toMatch(/manifest.csv is missing/);
    expect(
      planImport(Buffer.from('subject_code,visit,file\nS1,b,x.jpg\n'), ['x.jpg']).problems,
    ).toEqual([{ row: 1, reason: 'manifest.csv lacks the column(s) visit_date, view' }]);
  });
});
