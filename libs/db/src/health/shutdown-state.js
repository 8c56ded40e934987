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
exports.ShutdownState = void 0;
const common_1 = require("@nestjs/common");
const promises_1 = require("node:timers/promises");
const bootstrap_1 = require("../../../bootstrap/src/index.js");
let ShutdownState = class ShutdownState {
    config;
    draining = false;
    constructor(config) {
        this.config = config;
    }
    async beforeApplicationShutdown() {
        this.draining = true;
        if (this.config.SHUTDOWN_DELAY_MS > 0)
            await (0, promises_1.setTimeout)(this.config.SHUTDOWN_DELAY_MS);
    }
};
exports.ShutdownState = ShutdownState;
exports.ShutdownState = ShutdownState = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(bootstrap_1.serviceConfig.KEY)),
    __metadata("design:paramtypes", [Object])
], ShutdownState);
//# sourceMappingURL=shutdown-state.js.map