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
exports.databaseConfig = void 0;
const bootstrap_1 = require("../../bootstrap/src/index.js");
const class_validator_1 = require("class-validator");
class DatabaseEnv {
    DATABASE_URL;
    DATABASE_POOL_SIZE = 10;
    DATABASE_CONNECT_TIMEOUT_MS = 3000;
    DATABASE_STATEMENT_TIMEOUT_MS = 10000;
    DATABASE_MIGRATIONS_RUN = true;
    DATA_DIR = '.data';
}
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.Matches)(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)' }),
    __metadata("design:type", String)
], DatabaseEnv.prototype, "DATABASE_URL", void 0);
__decorate([
    (0, class_validator_1.IsInt)({ message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' }),
    (0, class_validator_1.Min)(1, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' }),
    (0, class_validator_1.Max)(200, { message: 'DATABASE_POOL_SIZE must be an integer between 1 and 200' }),
    __metadata("design:type", Object)
], DatabaseEnv.prototype, "DATABASE_POOL_SIZE", void 0);
__decorate([
    (0, class_validator_1.IsInt)({ message: 'DATABASE_CONNECT_TIMEOUT_MS must be an integer between 100 and 60000' }),
    (0, class_validator_1.Min)(100, { message: 'DATABASE_CONNECT_TIMEOUT_MS must be an integer between 100 and 60000' }),
    (0, class_validator_1.Max)(60000, { message: 'DATABASE_CONNECT_TIMEOUT_MS must be an integer between 100 and 60000' }),
    __metadata("design:type", Object)
], DatabaseEnv.prototype, "DATABASE_CONNECT_TIMEOUT_MS", void 0);
__decorate([
    (0, class_validator_1.IsInt)({ message: 'DATABASE_STATEMENT_TIMEOUT_MS must be an integer between 100 and 600000' }),
    (0, class_validator_1.Min)(100, { message: 'DATABASE_STATEMENT_TIMEOUT_MS must be an integer between 100 and 600000' }),
    (0, class_validator_1.Max)(600000, { message: 'DATABASE_STATEMENT_TIMEOUT_MS must be an integer between 100 and 600000' }),
    __metadata("design:type", Object)
], DatabaseEnv.prototype, "DATABASE_STATEMENT_TIMEOUT_MS", void 0);
__decorate([
    (0, bootstrap_1.EnvBoolean)(),
    (0, class_validator_1.IsBoolean)({ message: 'DATABASE_MIGRATIONS_RUN must be true or false' }),
    __metadata("design:type", Object)
], DatabaseEnv.prototype, "DATABASE_MIGRATIONS_RUN", void 0);
__decorate([
    (0, class_validator_1.IsString)(),
    __metadata("design:type", Object)
], DatabaseEnv.prototype, "DATA_DIR", void 0);
exports.databaseConfig = (0, bootstrap_1.envConfig)('database', DatabaseEnv);
//# sourceMappingURL=database.config.js.map