import { ValidateBy, ValidationOptions } from 'class-validator';

/** bcrypt reads only the first 72 bytes: a longer password would match any other that starts the same. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

export function exceedsBcryptLimit(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_PASSWORD_BYTES;
}

/** Bytes in UTF-8, not characters: an accented letter takes two, most emoji four. */
export function FitsBcrypt(field: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'fitsBcrypt',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !exceedsBcryptLimit(value),
        defaultMessage: () =>
          `${field} must be at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes in UTF-8 (${BCRYPT_MAX_PASSWORD_BYTES} plain letters and digits; an accented letter counts 2, an emoji 4), as longer passwords are cut there when hashed`,
      },
    },
    options,
  );
}
