import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export interface ApiDocsOptions {
  prefix: string;
  title: string;
  description: string;
  version?: string;
}

/**
 * Docs live under the service's own prefix, exactly as behind the gateway, so the paths
 * in the spec and the UI's assets are right in both places without rewriting.
 */
export function setupApiDocs(app: INestApplication, options: ApiDocsOptions): void {
  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(options.description)
    .setVersion(options.version ?? '1.0.0')
    .addServer('/', 'This host (direct or through the gateway)')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
  });
  SwaggerModule.setup(`${options.prefix}/docs`, app, document, {
    jsonDocumentUrl: `${options.prefix}/openapi.json`,
    yamlDocumentUrl: `${options.prefix}/openapi.yaml`,
    customSiteTitle: `${options.title} docs`,
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}
