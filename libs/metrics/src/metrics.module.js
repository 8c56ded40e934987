"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var MetricsModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.MetricsModule = void 0;
const common_1 = require("@nestjs/common");
const nestjs_prometheus_1 = require("@willsoto/nestjs-prometheus");
const prom_client_1 = require("prom-client");
const http_metrics_1 = require("./http-metrics");
const metrics_controller_1 = require("./metrics.controller");
let MetricsModule = MetricsModule_1 = class MetricsModule {
    static forService(service) {
        return {
            module: MetricsModule_1,
            imports: [
                nestjs_prometheus_1.PrometheusModule.register({
                    path: '/metrics',
                    controller: metrics_controller_1.MetricsController,
                    defaultLabels: { service },
                    defaultMetrics: { enabled: true },
                }),
            ],
            providers: [...http_metrics_1.httpMetricProviders, http_metrics_1.HttpMetrics],
            exports: [nestjs_prometheus_1.PrometheusModule, http_metrics_1.HttpMetrics],
        };
    }
    onModuleDestroy() {
        prom_client_1.register.clear();
    }
};
exports.MetricsModule = MetricsModule;
exports.MetricsModule = MetricsModule = MetricsModule_1 = __decorate([
    (0, common_1.Global)(),
    (0, common_1.Module)({})
], MetricsModule);
//# sourceMappingURL=metrics.module.js.map