import { fromMinorUnits, toMinorUnits } from './money';

describe('money', () => {
  it.each([
    [19.99, 1999],
    ['19.99', 1999],
    [0.1, 10],
    ['0.01', 1],
    [1000000, 100000000],
    ['7', 700],
    ['7.5', 750],
  ])('reads %p as %i minor units', (value, minor) => {
    expect(toMinorUnits(value)).toBe(minor);
  });

  it.each([19.999, '1e3', 1e309, NaN, -1, '-1', '', ' ', '01.5', '1.', '.5', '0x10', null, true, {}, [], '١٢'])('refuses %p', (value) => {
    expect(toMinorUnits(value)).toBeUndefined();
  });

  it('multiplies exactly: 3 × 19.99 is 59.97', () => {
    expect(fromMinorUnits(3 * toMinorUnits(19.99)!)).toBe(59.97);
    expect(JSON.stringify(fromMinorUnits(3 * toMinorUnits(19.99)!))).toBe('59.97');
    expect(fromMinorUnits(toMinorUnits(0.1)! + toMinorUnits(0.2)!)).toBe(0.3);
  });
});
