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
var EmbeddedPostgresModule_1, DatabaseModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.DatabaseModule = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const database_config_1 = require("./database.config");
const data_source_options_1 = require("./data-source-options");
const embedded_postgres_1 = require("./embedded/embedded-postgres");
const EMBEDDED_POSTGRES = Symbol('EmbeddedPostgres');
let EmbeddedPostgresModule = EmbeddedPostgresModule_1 = class EmbeddedPostgresModule {
    embedded;
    constructor(embedded) {
        this.embedded = embedded;
    }
    static forService(service) {
        return {
            module: EmbeddedPostgresModule_1,
            providers: [
                {
                    provide: EMBEDDED_POSTGRES,
                    inject: [database_config_1.databaseConfig.KEY],
                    useFactory: (config) => (config.DATABASE_URL ? null : embedded_postgres_1.EmbeddedPostgres.forService(config.DATA_DIR, service)),
                },
            ],
            exports: [EMBEDDED_POSTGRES],
        };
    }
    async onApplicationShutdown() {
        await this.embedded?.stop();
    }
};
EmbeddedPostgresModule = EmbeddedPostgresModule_1 = __decorate([
    (0, common_1.Module)({}),
    __param(0, (0, common_1.Inject)(EMBEDDED_POSTGRES)),
    __metadata("design:paramtypes", [Object])
], EmbeddedPostgresModule);
let DatabaseModule = DatabaseModule_1 = class DatabaseModule {
    static forService(definition) {
        return {
            module: DatabaseModule_1,
            imports: [
                typeorm_1.TypeOrmModule.forRootAsync({
                    imports: [EmbeddedPostgresModule.forService(definition.service)],
                    inject: [database_config_1.databaseConfig.KEY, EMBEDDED_POSTGRES],
                    useFactory: async (config, embedded) => {
                        const url = config.DATABASE_URL ?? (await embedded.start());
                        if (embedded)
                            new common_1.Logger('Database').log(`Using the embedded PostgreSQL (PGlite) in ${embedded.dataDir}; set DATABASE_URL for a server`);
                        return { ...(0, data_source_options_1.dataSourceOptions)(definition, config, url, !!embedded), retryAttempts: 3, retryDelay: 1000 };
                    },
                }),
                typeorm_1.TypeOrmModule.forFeature(definition.entities),
            ],
            exports: [typeorm_1.TypeOrmModule],
        };
    }
};
exports.DatabaseModule = DatabaseModule;
exports.DatabaseModule = DatabaseModule = DatabaseModule_1 = __decorate([
    (0, common_1.Module)({})
], DatabaseModule);
//# sourceMappingURL=database.module.js.map