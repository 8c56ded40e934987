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
var HttpErrorFilter_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.HttpErrorFilter = void 0;
const common_1 = require("@nestjs/common");
const nestjs_pino_1 = require("nestjs-pino");
const error_mapping_1 = require("./error-mapping");
let HttpErrorFilter = HttpErrorFilter_1 = class HttpErrorFilter {
    logger;
    constructor(logger) {
        this.logger = logger;
        logger.setContext(HttpErrorFilter_1.name);
    }
    catch(exception, host) {
        const http = host.switchToHttp();
        const request = http.getRequest();
        const reply = http.getResponse();
        const { body, unexpected } = (0, error_mapping_1.mapError)(exception, String(request.id));
        if (unexpected) {
            this.logger.error({ err: exception }, 'Unhandled error');
        }
        void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
    }
};
exports.HttpErrorFilter = HttpErrorFilter;
exports.HttpErrorFilter = HttpErrorFilter = HttpErrorFilter_1 = __decorate([
    (0, common_1.Catch)(),
    __metadata("design:paramtypes", [nestjs_pino_1.PinoLogger])
], HttpErrorFilter);
//# sourceMappingURL=http-error.filter.js.map