import { AA_IGA, categorize, OLSEN_S } from './severity';

describe('severity categories', () => {
  it.each([
    [0, '0'],
    [0.1, '1'],
    [1, '1'],
    [20, '1'],
    [20.1, '2'],
    [49.9, '2'],
    [50, '3'],
    [94.9, '3'],
    [95, '4'],
    [100, '4'],
  ])('AA-IGA: SALT %p → %s', (salt, code) => {
    expect(categorize(salt, AA_IGA).code).toBe(code);
  });

  it.each([
    [0, 'S0'],
    [24.9, 'S1'],
    [25, 'S2'],
    [49.9, 'S2'],
    [50, 'S3'],
    [74.9, 'S3'],
    [75, 'S4a'],
    [95, 'S4a'],
    [95.1, 'S4b'],
    [99.9, 'S4b'],
    [100, 'S5'],
  ])('Olsen: SALT %p → %s', (salt, code) => {
    expect(categorize(salt, OLSEN_S).code).toBe(code);
  });

  it('takes boundaries from the scale it is given', () => {
    const custom = {
      name: 'two-way',
      categories: [
        { code: 'responder', label: 'SALT ≤ 20', from: 0, inclusive: true },
        { code: 'non-responder', label: 'SALT > 20', from: 20, inclusive: false },
      ],
    };
    expect(categorize(20, custom).code).toBe('responder');
    expect(categorize(20.1, custom).code).toBe('non-responder');
  });
});
