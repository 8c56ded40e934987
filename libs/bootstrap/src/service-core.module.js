"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var ServiceCoreModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.ServiceCoreModule = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("@nestjs/config");
const core_1 = require("@nestjs/core");
const nestjs_pino_1 = require("nestjs-pino");
const service_config_1 = require("./config/service.config");
const http_error_filter_1 = require("./errors/http-error.filter");
const validation_1 = require("./errors/validation");
const logger_options_1 = require("./logging/logger.options");
let ServiceCoreModule = ServiceCoreModule_1 = class ServiceCoreModule {
    static forRoot(options) {
        return {
            module: ServiceCoreModule_1,
            imports: [
                config_1.ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, cache: true, load: [service_config_1.serviceConfig, ...options.configs] }),
                nestjs_pino_1.LoggerModule.forRootAsync({
                    inject: [service_config_1.serviceConfig.KEY],
                    useFactory: (config) => (0, logger_options_1.loggerOptions)(options.service, config),
                }),
            ],
            providers: [
                { provide: core_1.APP_PIPE, useFactory: validation_1.createValidationPipe },
                { provide: core_1.APP_FILTER, useClass: http_error_filter_1.HttpErrorFilter },
            ],
        };
    }
};
exports.ServiceCoreModule = ServiceCoreModule;
exports.ServiceCoreModule = ServiceCoreModule = ServiceCoreModule_1 = __decorate([
    (0, common_1.Module)({})
], ServiceCoreModule);
//# sourceMappingURL=service-core.module.js.map