import { assertFitsCurrency, CURRENCIES, currencyDecimals, fromMinorUnits, toMinorUnits } from './money';

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

  it.each([19.999, '1e3', Infinity, NaN, -1, '-1', '', ' ', '01.5', '1.', '.5', '0x10', null, true, {}, [], '١٢'])('refuses %p', (value) => {
    expect(toMinorUnits(value)).toBeUndefined();
  });

  it('multiplies exactly: 3 × 19.99 is 59.97', () => {
    expect(fromMinorUnits(3 * toMinorUnits(19.99)!)).toBe(59.97);
    expect(JSON.stringify(fromMinorUnits(3 * toMinorUnits(19.99)!))).toBe('59.97');
    expect(fromMinorUnits(toMinorUnits(0.1)! + toMinorUnits(0.2)!)).toBe(0.3);
  });
});

describe('currency exponents', () => {
  it('reads each exponent from ICU: JPY 0, USD 2, KWD 3', () => {
    expect([currencyDecimals('JPY'), currencyDecimals('USD'), currencyDecimals('KWD')]).toEqual([0, 2, 3]);
  });

  it('accepts only currencies whose amounts hundredths hold exactly', () => {
    expect(CURRENCIES).toEqual(expect.arrayContaining(['USD', 'EUR', 'JPY', 'KRW']));
    expect(CURRENCIES).not.toEqual(expect.arrayContaining(['KWD']));
    expect(CURRENCIES).not.toContain('BHD');
  });

  it('refuses 19.99 JPY and accepts 1999 JPY and 19.99 USD', () => {
    expect(() => assertFitsCurrency(1999, 'JPY', 'amount')).toThrow('amount must have at most 0 decimals in JPY');
    expect(() => assertFitsCurrency(199900, 'JPY', 'amount')).not.toThrow();
    expect(() => assertFitsCurrency(1999, 'USD', 'amount')).not.toThrow();
  });
});
