"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.setupApiDocs = setupApiDocs;
const swagger_1 = require("@nestjs/swagger");
function setupApiDocs(app, options) {
    const config = new swagger_1.DocumentBuilder()
        .setTitle(options.title)
        .setDescription(options.description)
        .setVersion(options.version ?? '1.0.0')
        .addServer('/', 'This host (direct or through the gateway)')
        .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
        .build();
    const document = swagger_1.SwaggerModule.createDocument(app, config, {
        operationIdFactory: (_controllerKey, methodKey) => methodKey,
    });
    swagger_1.SwaggerModule.setup(`${options.prefix}/docs`, app, document, {
        jsonDocumentUrl: `${options.prefix}/openapi.json`,
        yamlDocumentUrl: `${options.prefix}/openapi.yaml`,
        customSiteTitle: `${options.title} docs`,
        swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
    });
}
//# sourceMappingURL=swagger.js.map