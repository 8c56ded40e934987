"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
__exportStar(require("./database.config"), exports);
__exportStar(require("./database.module"), exports);
__exportStar(require("./data-source-options"), exports);
__exportStar(require("./embedded/embedded-postgres"), exports);
__exportStar(require("./health/health.module"), exports);
__exportStar(require("./health/shutdown-state"), exports);
__exportStar(require("./migration-cli"), exports);
__exportStar(require("./service-database"), exports);
//# sourceMappingURL=index.js.map