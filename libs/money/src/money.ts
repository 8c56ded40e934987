import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy, ValidationOptions } from 'class-validator';
import { UnprocessableError } from '@app/errors';

/**
 * Money travels as decimals with at most two fraction digits (none in a currency without a minor
 * unit, such as JPY) and is held as integer hundredths, so 3 × 19.99 is exactly 59.97.
 */
// Up to 13 whole digits: in cents that stays below 2^53, so every amount is an exact integer.
const DECIMAL = /^(0|[1-9]\d{0,12})(\.\d{1,2})?$/;

/** Parses a decimal amount (number or string) into minor units, or undefined when it is not one. */
export function toMinorUnits(value: unknown): number | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : '';
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [whole, fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Minor units back to a JSON number whose decimal text is exact (5997 → 59.97). */
export function fromMinorUnits(minor: number): number {
  return Number((minor / 100).toFixed(2));
}

/** A currency's ISO 4217 exponent as ICU (bundled with Node) knows it: JPY 0, USD 2, KWD 3. */
export function currencyDecimals(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Amounts are held in hundredths: only currencies with 0 or 2 decimals fit them exactly. */
export const CURRENCIES = [...KNOWN_CURRENCIES].filter((code) => currencyDecimals(code) <= 2);

/** Refuses an amount (in hundredths) finer than its currency's minor unit: 19.99 JPY. */
export function assertFitsCurrency(minor: number, currency: string, field: string): void {
  const decimals = currencyDecimals(currency);
  if (minor % 10 ** (2 - decimals) !== 0) {
    throw new UnprocessableError('MONEY.TOO_MANY_DECIMALS', `${field} must have at most ${decimals} decimals in ${currency}`, {
      field,
      currency,
      max_decimals: decimals,
    });
  }
}

const MONEY_RULE = 'A decimal amount with at most two fraction digits (none in a currency without a minor unit, such as JPY).';

/**
 * How money appears in the OpenAPI documents: a JSON number of format `decimal` (generators that
 * know the format give it an exact decimal type). The two-digit rule is said in words: `multipleOf:
 * 0.01` fails strict validators on real prices (19.99 / 0.01 is not an integer in floating point).
 */
export function ApiMoneyProperty(options: {
  example: number;
  description?: string;
  required?: boolean;
  minimum?: number;
  maximum?: number;
}): PropertyDecorator {
  const { description, ...schema } = options;
  return ApiProperty({ type: Number, format: 'decimal', ...schema, description: description ? `${MONEY_RULE} ${description}` : MONEY_RULE });
}

/** A decimal amount > 0 and ≤ max with at most two decimals; the property then holds minor units. */
export function IsMoneyAmount(field: string, max: number, options: { example: number; description?: string; required?: boolean }): PropertyDecorator {
  const maxMinor = max * 100;
  const message = `${field} must be a number greater than 0 and at most ${max} with at most 2 decimals`;
  return applyDecorators(
    ApiMoneyProperty({ ...options, required: options.required ?? true, minimum: 0.01, maximum: max }),
    // Anything that is not a decimal amount becomes NaN, so a bare integer is never taken for cents.
    Transform(({ value }) => (value === undefined ? undefined : (toMinorUnits(value) ?? Number.NaN))),
    ValidateBy({
      name: 'isMoneyAmount',
      validator: {
        validate: (value: unknown) => Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= maxMinor,
        defaultMessage: () => message,
      },
    }),
  );
}

/** An ISO 4217 code, upper-cased, `USD` when absent. */
export function IsCurrencyCode(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ example: 'USD', default: 'USD', description: 'ISO 4217 currency code', pattern: '^[A-Z]{3}$' }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : (value ?? undefined))),
    ValidateBy(
      {
        name: 'isCurrencyCode',
        validator: {
          validate: (value: unknown) => typeof value === 'string' && CURRENCIES.includes(value),
          defaultMessage: (args) =>
            typeof args?.value === 'string' && KNOWN_CURRENCIES.has(args.value)
              ? `currency ${args.value} has ${currencyDecimals(args.value)} decimals; only currencies with 0 or 2 decimals are accepted`
              : 'currency must be an ISO 4217 code such as USD or EUR',
        },
      },
      options,
    ),
  );
}
