"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createServiceApp = createServiceApp;
exports.loadAndCheckConfig = loadAndCheckConfig;
exports.bootstrapService = bootstrapService;
const core_1 = require("@nestjs/core");
const metrics_1 = require("../../metrics/src/index.js");
const node_fs_1 = require("node:fs");
const nestjs_pino_1 = require("nestjs-pino");
const env_1 = require("./config/env");
const service_config_1 = require("./config/service.config");
const fastify_1 = require("./http/fastify");
const swagger_1 = require("./openapi/swagger");
async function createServiceApp(rootModule, definition) {
    const config = (0, service_config_1.serviceConfig)();
    const app = await core_1.NestFactory.create(rootModule, (0, fastify_1.createFastifyAdapter)(config.BODY_LIMIT_BYTES), {
        bufferLogs: true,
        abortOnError: false,
    });
    app.useLogger(app.get(nestjs_pino_1.Logger));
    app.flushLogs();
    const fastify = app.getHttpAdapter().getInstance();
    (0, fastify_1.installFastifyHooks)(fastify, await app.resolve(nestjs_pino_1.PinoLogger));
    app.get(metrics_1.HttpMetrics).install(fastify);
    app.setGlobalPrefix(definition.docs.prefix, { exclude: ['metrics'] });
    app.enableShutdownHooks();
    (0, swagger_1.setupApiDocs)(app, definition.docs);
    return app;
}
function loadAndCheckConfig(configs) {
    if ((0, node_fs_1.existsSync)('.env'))
        process.loadEnvFile('.env');
    for (const load of [service_config_1.serviceConfig, ...configs])
        load();
}
async function bootstrapService(rootModule, definition) {
    try {
        loadAndCheckConfig(definition.configs);
    }
    catch (error) {
        if (!(error instanceof env_1.ConfigError))
            throw error;
        process.stderr.write(`${definition.name}: ${error.message}\n`);
        process.exit(1);
    }
    const config = (0, service_config_1.serviceConfig)();
    const app = await createServiceApp(rootModule, definition);
    await app.listen({ port: config.PORT ?? definition.defaultPort, host: config.HOST });
    app.get(nestjs_pino_1.Logger).log(`${definition.name} service listening on ${await app.getUrl()}/${definition.docs.prefix}/docs`, 'Bootstrap');
}
//# sourceMappingURL=bootstrap.js.map