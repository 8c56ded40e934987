import { ParseUUIDPipe } from '@nestjs/common';
import { RequestValidationError } from '@app/errors';

/** A path id that must be a UUID, answered in the one validation error shape. */
export const uuidParam = (name: string) =>
  new ParseUUIDPipe({ exceptionFactory: () => new RequestValidationError([{ field: name, messages: [`${name} must be a UUID`] }]) });
