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
exports.authConfig = exports.DEVELOPMENT_JWT_SECRET = exports.EXAMPLE_JWT_SECRET = void 0;
exports.durationToSeconds = durationToSeconds;
const bootstrap_1 = require("../../bootstrap/src/index.js");
const config_1 = require("@nestjs/config");
const class_validator_1 = require("class-validator");
exports.EXAMPLE_JWT_SECRET = 'change-me-to-a-random-string-of-at-least-32-characters';
exports.DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production!';
class AuthEnv {
    NODE_ENV = 'development';
    JWT_SECRET;
    JWT_EXPIRES_IN = '30m';
}
__decorate([
    (0, class_validator_1.IsIn)(['development', 'test', 'production']),
    __metadata("design:type", Object)
], AuthEnv.prototype, "NODE_ENV", void 0);
__decorate([
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    __metadata("design:type", String)
], AuthEnv.prototype, "JWT_SECRET", void 0);
__decorate([
    (0, class_validator_1.Matches)(/^\d+[smhd]?$/, { message: 'JWT_EXPIRES_IN must be a number of seconds or a duration like 30m, 12h, 7d' }),
    __metadata("design:type", Object)
], AuthEnv.prototype, "JWT_EXPIRES_IN", void 0);
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 };
function durationToSeconds(value) {
    const match = /^(\d+)([smhd]?)$/.exec(value);
    if (!match)
        throw new bootstrap_1.ConfigError(`Invalid duration "${value}"`);
    return Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
}
exports.authConfig = (0, config_1.registerAs)('auth', () => {
    const env = (0, bootstrap_1.validateEnv)(AuthEnv);
    const production = env.NODE_ENV === 'production';
    const secret = env.JWT_SECRET ?? (production ? undefined : exports.DEVELOPMENT_JWT_SECRET);
    if (!secret)
        throw new bootstrap_1.ConfigError('Invalid configuration: JWT_SECRET must be set in production (a random string of at least 32 characters)');
    if (production && (secret.length < 32 || secret === exports.EXAMPLE_JWT_SECRET || secret === exports.DEVELOPMENT_JWT_SECRET)) {
        throw new bootstrap_1.ConfigError('Invalid configuration: JWT_SECRET must be a random string of at least 32 characters, not the example value, in production');
    }
    const expiresInSeconds = durationToSeconds(env.JWT_EXPIRES_IN);
    if (expiresInSeconds < 1)
        throw new bootstrap_1.ConfigError('Invalid configuration: JWT_EXPIRES_IN must be at least 1 second');
    return { secret, expiresInSeconds, usesDevelopmentSecret: secret === exports.DEVELOPMENT_JWT_SECRET };
});
//# sourceMappingURL=auth.config.js.map