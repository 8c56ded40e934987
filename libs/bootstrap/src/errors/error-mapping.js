"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.mapError = mapError;
const common_1 = require("@nestjs/common");
const node_http_1 = require("node:http");
const domain_error_1 = require("./domain-error");
const validation_1 = require("./validation");
const DATABASE_UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006']);
function mapError(exception, requestId) {
    const body = (statusCode, message, extra = {}) => ({
        statusCode,
        error: node_http_1.STATUS_CODES[statusCode] ?? 'Error',
        message,
        requestId,
        ...extra,
    });
    if (exception instanceof validation_1.RequestValidationError) {
        return { body: body(400, exception.message, { code: 'VALIDATION.FAILED', errors: exception.fieldErrors }), unexpected: false };
    }
    if (exception instanceof domain_error_1.DomainError) {
        return { body: body(exception.status, exception.message, { code: exception.code, details: exception.details }), unexpected: false };
    }
    if (exception instanceof common_1.HttpException) {
        const status = exception.getStatus();
        return { body: body(status, httpMessage(exception)), unexpected: status >= 500 };
    }
    const error = (exception ?? {});
    if (isDatabaseUnavailable(error)) {
        return {
            body: body(common_1.HttpStatus.SERVICE_UNAVAILABLE, 'The database is unavailable; try again shortly', { code: 'DATABASE.UNAVAILABLE' }),
            unexpected: false,
        };
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return { body: body(error.statusCode, fastifyMessage(error)), unexpected: false };
    }
    return { body: body(common_1.HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error'), unexpected: true };
}
function httpMessage(exception) {
    const response = exception.getResponse();
    if (typeof response === 'string')
        return response;
    const message = response.message;
    if (Array.isArray(message))
        return message.join('; ');
    return typeof message === 'string' ? message : exception.message;
}
function fastifyMessage(error) {
    switch (error.code) {
        case 'FST_ERR_CTP_BODY_TOO_LARGE':
            return 'Request body is too large';
        case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
            return 'Unsupported content type; send application/json';
        case 'FST_ERR_CTP_EMPTY_JSON_BODY':
            return 'Request body is empty; send a JSON object';
        case 'FST_ERR_CTP_INVALID_JSON_BODY':
            return 'Request body is not valid JSON';
        default:
            return error.statusCode === 400 && /JSON/i.test(error.message ?? '') ? 'Request body is not valid JSON' : (node_http_1.STATUS_CODES[error.statusCode ?? 400] ?? 'Bad request');
    }
}
function isDatabaseUnavailable(error) {
    const code = error.driverError?.code ?? error.code;
    if (code && DATABASE_UNAVAILABLE_CODES.has(code))
        return true;
    const message = error.message ?? '';
    return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established/i.test(message);
}
//# sourceMappingURL=error-mapping.js.map