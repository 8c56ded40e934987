"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RequestValidationError = void 0;
exports.flattenValidationErrors = flattenValidationErrors;
exports.createValidationPipe = createValidationPipe;
const common_1 = require("@nestjs/common");
class RequestValidationError extends common_1.BadRequestException {
    fieldErrors;
    constructor(fieldErrors) {
        super(fieldErrors.map((e) => e.messages.join(', ')).join('; '));
        this.fieldErrors = fieldErrors;
    }
}
exports.RequestValidationError = RequestValidationError;
function flattenValidationErrors(errors, parent = '') {
    return errors.flatMap((error) => {
        const field = parent ? `${parent}.${error.property}` : error.property;
        const own = error.constraints ? [{ field, messages: Object.values(error.constraints).map((m) => qualify(m, parent)) }] : [];
        return [...own, ...flattenValidationErrors(error.children ?? [], field)];
    });
}
function qualify(message, parent) {
    return parent ? `${parent}.${message}` : message;
}
function createValidationPipe() {
    return new common_1.ValidationPipe({
        whitelist: true,
        forbidNonWhitelisted: true,
        forbidUnknownValues: true,
        transform: true,
        stopAtFirstError: false,
        validationError: { target: false, value: false },
        exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
    });
}
//# sourceMappingURL=validation.js.map