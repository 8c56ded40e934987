"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.ErrorBody = exports.FieldError = void 0;
const swagger_1 = require("@nestjs/swagger");
class FieldError {
    field;
    messages;
}
exports.FieldError = FieldError;
__decorate([
    (0, swagger_1.ApiProperty)({ example: 'email' }),
    __metadata("design:type", String)
], FieldError.prototype, "field", void 0);
__decorate([
    (0, swagger_1.ApiProperty)({ example: ['email must be an email'] }),
    __metadata("design:type", Array)
], FieldError.prototype, "messages", void 0);
class ErrorBody {
    statusCode;
    error;
    message;
    requestId;
    code;
    errors;
    details;
}
exports.ErrorBody = ErrorBody;
__decorate([
    (0, swagger_1.ApiProperty)({ example: 400 }),
    __metadata("design:type", Number)
], ErrorBody.prototype, "statusCode", void 0);
__decorate([
    (0, swagger_1.ApiProperty)({ example: 'Bad Request' }),
    __metadata("design:type", String)
], ErrorBody.prototype, "error", void 0);
__decorate([
    (0, swagger_1.ApiProperty)({ example: 'email must be an email' }),
    __metadata("design:type", String)
], ErrorBody.prototype, "message", void 0);
__decorate([
    (0, swagger_1.ApiProperty)({ example: '0d9f7b6e-5f43-4c1e-a1f6-1b0f8f2d6a51' }),
    __metadata("design:type", String)
], ErrorBody.prototype, "requestId", void 0);
__decorate([
    (0, swagger_1.ApiPropertyOptional)({ example: 'VALIDATION.FAILED', description: 'Stable machine-readable code' }),
    __metadata("design:type", String)
], ErrorBody.prototype, "code", void 0);
__decorate([
    (0, swagger_1.ApiPropertyOptional)({ type: [FieldError], description: 'Every invalid field, for validation errors' }),
    __metadata("design:type", Array)
], ErrorBody.prototype, "errors", void 0);
__decorate([
    (0, swagger_1.ApiPropertyOptional)({ type: 'object', additionalProperties: true, description: 'Facts that help a client act' }),
    __metadata("design:type", Object)
], ErrorBody.prototype, "details", void 0);
//# sourceMappingURL=error-body.js.map