"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=service-database.js.map