"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ConfigError = void 0;
exports.validateEnv = validateEnv;
exports.envConfig = envConfig;
exports.EnvBoolean = EnvBoolean;
const config_1 = require("@nestjs/config");
const class_transformer_1 = require("class-transformer");
const class_validator_1 = require("class-validator");
class ConfigError extends Error {
    name = 'ConfigError';
}
exports.ConfigError = ConfigError;
function validateEnv(schema, env = process.env) {
    const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
    const config = (0, class_transformer_1.plainToInstance)(schema, present, { enableImplicitConversion: true, exposeDefaultValues: true });
    const errors = (0, class_validator_1.validateSync)(config, { skipMissingProperties: false });
    if (errors.length > 0) {
        throw new ConfigError(`Invalid configuration: ${describe(errors, present)}`);
    }
    return config;
}
function describe(errors, env) {
    return errors
        .map((error) => {
        const received = env[error.property];
        const got = received === undefined ? 'it is not set' : `got "${mask(error.property, received)}"`;
        return `${Object.values(error.constraints ?? {}).join(', ')} (${got})`;
    })
        .join('; ');
}
function mask(variable, value) {
    return /SECRET|PASSWORD|TOKEN|KEY/.test(variable) ? '***' : value.slice(0, 80);
}
function envConfig(namespace, schema) {
    return (0, config_1.registerAs)(namespace, () => validateEnv(schema));
}
function EnvBoolean() {
    return (0, class_transformer_1.Transform)(({ obj, key, value }) => {
        const raw = obj[key];
        if (typeof raw !== 'string')
            return value;
        const normalised = raw.trim().toLowerCase();
        if (['true', '1', 'yes', 'on'].includes(normalised))
            return true;
        if (['false', '0', 'no', 'off'].includes(normalised))
            return false;
        return raw;
    });
}
//# sourceMappingURL=env.js.map