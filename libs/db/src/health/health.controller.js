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
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.HealthController = void 0;
const common_1 = require("@nestjs/common");
const swagger_1 = require("@nestjs/swagger");
const terminus_1 = require("@nestjs/terminus");
const shutdown_state_1 = require("./shutdown-state");
const HEALTH_EXAMPLE = { status: 'ok', info: { database: { status: 'up' } }, error: {}, details: { database: { status: 'up' } } };
let HealthController = class HealthController {
    health;
    database;
    shutdown;
    constructor(health, database, shutdown) {
        this.health = health;
        this.database = database;
        this.shutdown = shutdown;
    }
    async getReadiness(reply) {
        if (this.shutdown.draining) {
            reply.status(common_1.HttpStatus.SERVICE_UNAVAILABLE);
            return { status: 'shutting_down', info: {}, error: {}, details: {} };
        }
        try {
            return await this.health.check([() => this.database.pingCheck('database').withTimeout(1000)]);
        }
        catch (error) {
            if (!(error instanceof common_1.ServiceUnavailableException))
                throw error;
            reply.status(common_1.HttpStatus.SERVICE_UNAVAILABLE);
            return error.getResponse();
        }
    }
    getLiveness() {
        return { status: 'ok' };
    }
};
exports.HealthController = HealthController;
__decorate([
    (0, common_1.Get)(),
    (0, swagger_1.ApiOperation)({ summary: 'Readiness: 200 when the service can serve (its database answers), 503 otherwise' }),
    (0, swagger_1.ApiOkResponse)({ schema: { example: HEALTH_EXAMPLE } }),
    (0, swagger_1.ApiServiceUnavailableResponse)({ schema: { example: { ...HEALTH_EXAMPLE, status: 'error' } } }),
    __param(0, (0, common_1.Res)({ passthrough: true })),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", Promise)
], HealthController.prototype, "getReadiness", null);
__decorate([
    (0, common_1.Get)('live'),
    (0, swagger_1.ApiOperation)({ summary: 'Liveness: 200 while the process runs its event loop' }),
    (0, swagger_1.ApiOkResponse)({ schema: { example: { status: 'ok' } } }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", Object)
], HealthController.prototype, "getLiveness", null);
exports.HealthController = HealthController = __decorate([
    (0, swagger_1.ApiTags)('health'),
    (0, common_1.Controller)('health'),
    __metadata("design:paramtypes", [terminus_1.HealthCheckService,
        terminus_1.TypeOrmHealthIndicator,
        shutdown_state_1.ShutdownState])
], HealthController);
//# sourceMappingURL=health.controller.js.map