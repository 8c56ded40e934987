"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ApiErrors = ApiErrors;
const common_1 = require("@nestjs/common");
const swagger_1 = require("@nestjs/swagger");
const error_body_1 = require("../errors/error-body");
const DESCRIPTIONS = {
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
function ApiErrors(...statuses) {
    return (0, common_1.applyDecorators)(...statuses.map((status) => (0, swagger_1.ApiResponse)({ status, description: DESCRIPTIONS[status] ?? 'Error', type: error_body_1.ErrorBody })));
}
//# sourceMappingURL=api-errors.js.map