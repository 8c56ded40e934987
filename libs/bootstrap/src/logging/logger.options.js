"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.loggerOptions = loggerOptions;
const request_context_1 = require("../http/request-context");
function loggerOptions(service, config) {
    return {
        pinoHttp: {
            name: service,
            level: config.LOG_LEVEL,
            base: { service },
            messageKey: 'msg',
            quietReqLogger: true,
            serializers: {
                req: (req) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
                res: (res) => ({ statusCode: res.statusCode }),
                err: (err) => ({ type: err.name, message: err.message, code: err.code, stack: err.stack }),
            },
            customProps: (req) => ({ requestId: req.id, route: req[request_context_1.ROUTE_TEMPLATE] ?? 'unmatched' }),
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
            customSuccessMessage: (req, res, responseTime) => `${req.method} ${req[request_context_1.ROUTE_TEMPLATE] ?? 'unmatched'} ${res.statusCode} ${responseTime}ms`,
            customErrorMessage: (req, res) => `${req.method} ${req[request_context_1.ROUTE_TEMPLATE] ?? 'unmatched'} ${res.statusCode} failed`,
        },
    };
}
//# sourceMappingURL=logger.options.js.map