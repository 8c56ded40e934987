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
exports.serviceConfig = exports.LOG_LEVELS = exports.NODE_ENVIRONMENTS = void 0;
const class_validator_1 = require("class-validator");
const env_1 = require("./env");
exports.NODE_ENVIRONMENTS = ['development', 'test', 'production'];
exports.LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
class ServiceEnv {
    NODE_ENV = 'development';
    PORT;
    HOST = '0.0.0.0';
    LOG_LEVEL = 'info';
    BODY_LIMIT_BYTES = 100 * 1024;
    SHUTDOWN_DELAY_MS = 0;
}
__decorate([
    (0, class_validator_1.IsIn)(exports.NODE_ENVIRONMENTS, { message: `NODE_ENV must be one of ${exports.NODE_ENVIRONMENTS.join(', ')}` }),
    __metadata("design:type", Object)
], ServiceEnv.prototype, "NODE_ENV", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsInt)({ message: 'PORT must be an integer between 0 and 65535' }),
    (0, class_validator_1.Min)(0, { message: 'PORT must be an integer between 0 and 65535' }),
    (0, class_validator_1.Max)(65535, { message: 'PORT must be an integer between 0 and 65535' }),
    __metadata("design:type", Number)
], ServiceEnv.prototype, "PORT", void 0);
__decorate([
    (0, class_validator_1.IsString)(),
    __metadata("design:type", Object)
], ServiceEnv.prototype, "HOST", void 0);
__decorate([
    (0, class_validator_1.IsIn)(exports.LOG_LEVELS, { message: `LOG_LEVEL must be one of ${exports.LOG_LEVELS.join(', ')}` }),
    __metadata("design:type", Object)
], ServiceEnv.prototype, "LOG_LEVEL", void 0);
__decorate([
    (0, class_validator_1.IsInt)({ message: 'BODY_LIMIT_BYTES must be an integer between 1024 and 10485760' }),
    (0, class_validator_1.Min)(1024, { message: 'BODY_LIMIT_BYTES must be an integer between 1024 and 10485760' }),
    (0, class_validator_1.Max)(10 * 1024 * 1024, { message: 'BODY_LIMIT_BYTES must be an integer between 1024 and 10485760' }),
    __metadata("design:type", Object)
], ServiceEnv.prototype, "BODY_LIMIT_BYTES", void 0);
__decorate([
    (0, class_validator_1.IsInt)({ message: 'SHUTDOWN_DELAY_MS must be an integer between 0 and 60000' }),
    (0, class_validator_1.Min)(0, { message: 'SHUTDOWN_DELAY_MS must be an integer between 0 and 60000' }),
    (0, class_validator_1.Max)(60000, { message: 'SHUTDOWN_DELAY_MS must be an integer between 0 and 60000' }),
    __metadata("design:type", Object)
], ServiceEnv.prototype, "SHUTDOWN_DELAY_MS", void 0);
exports.serviceConfig = (0, env_1.envConfig)('service', ServiceEnv);
//# sourceMappingURL=service.config.js.map