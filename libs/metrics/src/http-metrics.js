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
exports.HttpMetrics = exports.httpMetricProviders = exports.HTTP_REQUEST_DURATION = exports.HTTP_REQUESTS_TOTAL = void 0;
const common_1 = require("@nestjs/common");
const nestjs_prometheus_1 = require("@willsoto/nestjs-prometheus");
exports.HTTP_REQUESTS_TOTAL = 'http_requests_total';
exports.HTTP_REQUEST_DURATION = 'http_request_duration_seconds';
const LABELS = ['method', 'route', 'status_code'];
exports.httpMetricProviders = [
    (0, nestjs_prometheus_1.makeCounterProvider)({ name: exports.HTTP_REQUESTS_TOTAL, help: 'HTTP requests by method, route template and status code', labelNames: LABELS }),
    (0, nestjs_prometheus_1.makeHistogramProvider)({
        name: exports.HTTP_REQUEST_DURATION,
        help: 'HTTP request duration in seconds by method, route template and status code',
        labelNames: LABELS,
        buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
];
let HttpMetrics = class HttpMetrics {
    requests;
    duration;
    constructor(requests, duration) {
        this.requests = requests;
        this.duration = duration;
    }
    install(fastify) {
        fastify.addHook('onResponse', (request, reply, done) => {
            const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) };
            this.requests.inc(labels);
            this.duration.observe(labels, reply.elapsedTime / 1000);
            done();
        });
    }
};
exports.HttpMetrics = HttpMetrics;
exports.HttpMetrics = HttpMetrics = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, nestjs_prometheus_1.InjectMetric)(exports.HTTP_REQUESTS_TOTAL)),
    __param(1, (0, nestjs_prometheus_1.InjectMetric)(exports.HTTP_REQUEST_DURATION)),
    __metadata("design:paramtypes", [Function, Function])
], HttpMetrics);
//# sourceMappingURL=http-metrics.js.map