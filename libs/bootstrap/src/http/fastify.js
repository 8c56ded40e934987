"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createFastifyAdapter = createFastifyAdapter;
exports.installFastifyHooks = installFastifyHooks;
const platform_fastify_1 = require("@nestjs/platform-fastify");
const error_mapping_1 = require("../errors/error-mapping");
const request_context_1 = require("./request-context");
function createFastifyAdapter(bodyLimit) {
    return new platform_fastify_1.FastifyAdapter({
        bodyLimit,
        trustProxy: true,
        ignoreTrailingSlash: true,
        ignoreDuplicateSlashes: true,
        genReqId: request_context_1.requestIdFor,
        requestIdHeader: false,
        keepAliveTimeout: 65_000,
        return503OnClosing: true,
        forceCloseConnections: 'idle',
    });
}
function installFastifyHooks(fastify, logger) {
    fastify.addHook('onRequest', (request, reply, done) => {
        request.raw[request_context_1.ROUTE_TEMPLATE] = request.routeOptions.url;
        void reply.header('x-request-id', request.id);
        done();
    });
    fastify.setErrorHandler((error, request, reply) => {
        const { body, unexpected } = (0, error_mapping_1.mapError)(error, String(request.id));
        if (unexpected)
            logger.error({ err: error }, 'Unhandled error');
        void reply.status(body.statusCode).send(body);
    });
}
//# sourceMappingURL=fastify.js.map