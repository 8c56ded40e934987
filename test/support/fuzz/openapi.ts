import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.0 document the fuzzer reads. */
export type Schema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface OpenApiOperation {
  operationId: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }>; headers?: Record<string, { schema?: Schema }> }>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema> };
}

export interface Operation {
  id: string;
  method: string;
  /** The templated path, e.g. `/orders/{id}/pay`. */
  path: string;
  secured: boolean;
  /** Documents 403: a role beyond a valid token is required. */
  adminOnly: boolean;
  pathParams: OpenApiParameter[];
  queryParams: OpenApiParameter[];
  headerParams: OpenApiParameter[];
  /** The JSON request body, with every `$ref` resolved. */
  body?: Schema;
  responses: OpenApiOperation['responses'];
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const SPEC_ID = 'openapi.json';

export async function fetchOpenApi(serviceUrl: string, prefix: string): Promise<OpenApiDocument> {
  const response = await fetch(`${serviceUrl}/${prefix}/openapi.json`);
  if (!response.ok) throw new Error(`GET /${prefix}/openapi.json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

export function operationsOf(spec: OpenApiDocument): Operation[] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, op]) => {
        const parameters = op.parameters ?? [];
        const json = op.requestBody?.content['application/json']?.schema;
        return {
          id: op.operationId,
          method: method.toUpperCase(),
          path,
          secured: (op.security ?? []).some((requirement) => 'bearer' in requirement),
          adminOnly: '403' in op.responses,
          pathParams: parameters.filter((p) => p.in === 'path'),
          queryParams: parameters.filter((p) => p.in === 'query'),
          headerParams: parameters.filter((p) => p.in === 'header'),
          body: json ? resolveRefs(spec, json) : undefined,
          responses: op.responses,
        };
      }),
  );
}

/** Inlines every `$ref` (the request schemas are small and acyclic). */
export function resolveRefs(spec: OpenApiDocument, schema: unknown): Schema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const ref = (node as { $ref?: string }).$ref;
    if (ref) return walk(spec.components.schemas[ref.replace('#/components/schemas/', '')]);
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]));
  };
  return walk(schema) as Schema;
}

/**
 * OpenAPI 3.0 schema → JSON Schema for ajv: `nullable: true` becomes a type union, examples and
 * descriptions go, refs point into the registered document, and objects are closed
 * (`additionalProperties: false` unless the spec says otherwise) so an undocumented field is a
 * mismatch: that is how a leak (a password hash, an internal id) shows.
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const source = node as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'example' || key === 'nullable' || key === 'description') continue;
    if (key === '$ref') out.$ref = (value as string).replace(/^#/, `${SPEC_ID}#`);
    else if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, s]) => [name, toJsonSchema(s)]));
    else if (key === 'items' || key === 'additionalProperties' || key === 'allOf' || key === 'anyOf' || key === 'oneOf') out[key] = toJsonSchema(value);
    else out[key] = value;
  }
  if (source.nullable === true) {
    if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
    if (out.type) out.type = [out.type, 'null'].flat();
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** Validates response bodies against the operation's documented response schemas. */
export class ResponseValidator {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction | null>();
  readonly errorBody: ValidateFunction;

  constructor(spec: OpenApiDocument) {
    this.ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.ajv);
    // Money (libs/money's ApiMoneyProperty): a decimal with at most two fraction digits.
    this.ajv.addFormat('decimal', { type: 'number', validate: (value: number) => /^-?\d+(\.\d{1,2})?$/.test(String(value)) });
    const schemas = Object.fromEntries(Object.entries(spec.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]));
    this.ajv.addSchema({ $id: SPEC_ID, components: { schemas } });
    this.errorBody = this.ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/ErrorBody` });
  }

  /** The validator of a documented status, `null` when it documents no body, `undefined` when the status is undocumented. */
  forStatus(op: Operation, status: number): ValidateFunction | null | undefined {
    const documented = op.responses[String(status)];
    if (!documented) return undefined;
    const key = `${op.id} ${status}`;
    if (!this.cache.has(key)) {
      const schema = documented.content?.['application/json']?.schema;
      this.cache.set(key, schema ? this.ajv.compile(toJsonSchema(schema) as Schema) : null);
    }
    return this.cache.get(key);
  }

  describe(validate: ValidateFunction): string {
    return this.ajv.errorsText(validate.errors, { separator: '; ' });
  }
}
