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
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.EmbeddedPostgres = void 0;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
class EmbeddedPostgres {
    dataDir;
    db;
    server;
    constructor(dataDir) {
        this.dataDir = dataDir;
    }
    static forService(dataRoot, service) {
        return new EmbeddedPostgres((0, node_path_1.resolve)((0, node_path_1.join)(dataRoot, service)));
    }
    async start() {
        const { PGlite } = await Promise.resolve().then(() => __importStar(require('@electric-sql/pglite')));
        const { PGLiteSocketServer } = await Promise.resolve().then(() => __importStar(require('@electric-sql/pglite-socket')));
        (0, node_fs_1.mkdirSync)(this.dataDir, { recursive: true });
        this.db = await PGlite.create(this.dataDir);
        this.server = new PGLiteSocketServer({ db: this.db, host: '127.0.0.1', port: 0 });
        await this.server.start();
        const { port } = this.server.server.address();
        return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    }
    async stop() {
        await this.server?.stop();
        await this.db?.close();
        this.server = undefined;
        this.db = undefined;
    }
}
exports.EmbeddedPostgres = EmbeddedPostgres;
//# sourceMappingURL=embedded-postgres.js.map