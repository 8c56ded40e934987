"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.uuidParam = void 0;
const common_1 = require("@nestjs/common");
const validation_1 = require("../errors/validation");
const uuidParam = (name) => new common_1.ParseUUIDPipe({ exceptionFactory: () => new validation_1.RequestValidationError([{ field: name, messages: [`${name} must be a UUID`] }]) });
exports.uuidParam = uuidParam;
//# sourceMappingURL=uuid-param.js.map