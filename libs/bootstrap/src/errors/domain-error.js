"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.UnavailableError = exports.ForbiddenError = exports.UnauthorizedError = exports.UnprocessableError = exports.ConflictError = exports.NotFoundError = exports.DomainError = void 0;
const common_1 = require("@nestjs/common");
class DomainError extends Error {
    code;
    status;
    details;
    constructor(code, message, status, details) {
        super(message);
        this.code = code;
        this.status = status;
        this.details = details;
        this.name = 'DomainError';
    }
}
exports.DomainError = DomainError;
class NotFoundError extends DomainError {
    constructor(resource) {
        super(`${resource.toUpperCase()}.NOT_FOUND`, `${resource} not found`, common_1.HttpStatus.NOT_FOUND);
    }
}
exports.NotFoundError = NotFoundError;
class ConflictError extends DomainError {
    constructor(code, message, details) {
        super(code, message, common_1.HttpStatus.CONFLICT, details);
    }
}
exports.ConflictError = ConflictError;
class UnprocessableError extends DomainError {
    constructor(code, message, details) {
        super(code, message, common_1.HttpStatus.UNPROCESSABLE_ENTITY, details);
    }
}
exports.UnprocessableError = UnprocessableError;
class UnauthorizedError extends DomainError {
    constructor(message = 'Authentication required', code = 'AUTH.UNAUTHORIZED') {
        super(code, message, common_1.HttpStatus.UNAUTHORIZED);
    }
}
exports.UnauthorizedError = UnauthorizedError;
class ForbiddenError extends DomainError {
    constructor(message = 'You are not allowed to do this') {
        super('AUTH.FORBIDDEN', message, common_1.HttpStatus.FORBIDDEN);
    }
}
exports.ForbiddenError = ForbiddenError;
class UnavailableError extends DomainError {
    constructor(code, message, details) {
        super(code, message, common_1.HttpStatus.SERVICE_UNAVAILABLE, details);
    }
}
exports.UnavailableError = UnavailableError;
//# sourceMappingURL=domain-error.js.map