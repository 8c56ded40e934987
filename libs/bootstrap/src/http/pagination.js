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
exports.PageQuery = void 0;
const swagger_1 = require("@nestjs/swagger");
const class_transformer_1 = require("class-transformer");
const class_validator_1 = require("class-validator");
class PageQuery {
    limit = 20;
    offset;
    skip;
    get start() {
        return this.offset ?? this.skip ?? 0;
    }
}
exports.PageQuery = PageQuery;
__decorate([
    (0, swagger_1.ApiPropertyOptional)({ minimum: 1, maximum: 100, default: 20, example: 20 }),
    (0, class_validator_1.IsOptional)(),
    (0, class_transformer_1.Type)(() => Number),
    (0, class_validator_1.IsInt)({ message: 'limit must be an integer between 1 and 100' }),
    (0, class_validator_1.Min)(1, { message: 'limit must be an integer between 1 and 100' }),
    (0, class_validator_1.Max)(100, { message: 'limit must be an integer between 1 and 100' }),
    __metadata("design:type", Number)
], PageQuery.prototype, "limit", void 0);
__decorate([
    (0, swagger_1.ApiPropertyOptional)({ minimum: 0, default: 0, example: 0 }),
    (0, class_validator_1.IsOptional)(),
    (0, class_transformer_1.Type)(() => Number),
    (0, class_validator_1.IsInt)({ message: 'offset must be a non-negative integer' }),
    (0, class_validator_1.Min)(0, { message: 'offset must be a non-negative integer' }),
    (0, class_validator_1.Max)(1_000_000, { message: 'offset must be at most 1000000' }),
    __metadata("design:type", Number)
], PageQuery.prototype, "offset", void 0);
__decorate([
    (0, swagger_1.ApiPropertyOptional)({ minimum: 0, description: 'Alias of offset', example: 0 }),
    (0, class_validator_1.IsOptional)(),
    (0, class_transformer_1.Type)(() => Number),
    (0, class_validator_1.IsInt)({ message: 'skip must be a non-negative integer' }),
    (0, class_validator_1.Min)(0, { message: 'skip must be a non-negative integer' }),
    (0, class_validator_1.Max)(1_000_000, { message: 'skip must be at most 1000000' }),
    __metadata("design:type", Number)
], PageQuery.prototype, "skip", void 0);
//# sourceMappingURL=pagination.js.map