import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorBody } from '@app/errors';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: every bad field is listed in `errors`',
  401: 'Missing, expired or invalid credentials',
  403: 'Authenticated but not allowed',
  404: 'Not found (or not yours)',
  409: 'Conflicts with the current state',
  413: 'Request body too large',
  422: 'Well-formed but not acceptable',
  429: 'Too many requests',
  503: 'A dependency is unavailable; retry later',
};

/** Documents error responses in the one error shape. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', type: ErrorBody })));
}
