import { DECORATORS } from '@nestjs/swagger';

/** Marks a service-to-service operation: `buildApiDocuments` keeps it out of the served document. */
export const INTERNAL_OPERATION = 'x-internal';

type OperationFields = Record<string, unknown>;

/** Sets operation fields (`defaults` only where @ApiOperation says nothing), before or after @ApiOperation alike. */
function mergeOperation(fields: OperationFields, defaults: OperationFields = {}): MethodDecorator {
  return (_target, _key, descriptor) => {
    const operation = (Reflect.getMetadata(DECORATORS.API_OPERATION, descriptor.value as object) ?? {}) as OperationFields;
    const unset = Object.fromEntries(Object.entries(defaults).filter(([key]) => !operation[key]));
    Reflect.defineMetadata(DECORATORS.API_OPERATION, { ...operation, ...unset, ...fields }, descriptor.value as object);
    return descriptor;
  };
}

/** Documents an operation that needs no credentials (`security: []`), as opposed to one that forgot to say. */
export function ApiPublic(): MethodDecorator {
  return mergeOperation({ security: [] });
}

/** Documents a service-to-service operation: in the internal contract, not in the served document. */
export function ApiInternal(callers: readonly string[]): MethodDecorator {
  return mergeOperation({ [INTERNAL_OPERATION]: true, 'x-callers': [...callers] }, { summary: `Service-to-service, for the ${callers.join(' and ')} service` });
}
