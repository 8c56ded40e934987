import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { INTERNAL_OPERATION } from './api-access';

export interface ApiDocsOptions {
  prefix: string;
  title: string;
  description: string;
  version?: string;
}

/** The routes a service answers, in two documents: what it serves (and the gateway routes), and its service-to-service routes. */
export interface ApiDocuments {
  public: OpenAPIObject;
  internal: OpenAPIObject;
}

type Operation = Record<string, unknown>;

/** Builds both documents from the routes of an application, created or previewed (see `describeService`). */
export function buildApiDocuments(app: INestApplication, options: ApiDocsOptions): ApiDocuments {
  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(options.description)
    .setVersion(options.version ?? '1.0.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'This host (direct or through the gateway)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  const internalInfo = {
    ...document.info,
    title: `${options.title}: service-to-service routes`,
    description: 'Reached by the other services with a service token; the gateway does not route them and the service does not serve this document.',
  };
  return {
    public: selectOperations(document, (operation) => operation[INTERNAL_OPERATION] !== true),
    internal: selectOperations({ ...document, info: internalInfo }, (operation) => operation[INTERNAL_OPERATION] === true),
  };
}

/**
 * Docs live under the service's own prefix, exactly as behind the gateway, so the paths
 * in the spec and the UI's assets are right in both places without rewriting.
 */
export function setupApiDocs(app: INestApplication, options: ApiDocsOptions): void {
  SwaggerModule.setup(`${options.prefix}/docs`, app, buildApiDocuments(app, options).public, {
    jsonDocumentUrl: `${options.prefix}/openapi.json`,
    yamlDocumentUrl: `${options.prefix}/openapi.yaml`,
    customSiteTitle: `${options.title} docs`,
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The document with only the operations kept, and only the schemas they still reach. */
function selectOperations(document: OpenAPIObject, keep: (operation: Operation) => boolean): OpenAPIObject {
  const paths: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(document.paths)) {
    const kept = Object.fromEntries(Object.entries(item).filter(([key, value]) => !METHODS.includes(key) || keep(value as Operation)));
    if (Object.keys(kept).some((key) => METHODS.includes(key))) paths[path] = kept;
  }
  const schemas = document.components?.schemas ?? {};
  const reached = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (reached.has(name)) return;
      reached.add(name);
      visit(schemas[name]);
    }
    Object.values(node).forEach(visit);
  };
  visit(paths);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => reached.has(name)));
  return { ...document, paths, components: { ...document.components, schemas: kept } };
}
