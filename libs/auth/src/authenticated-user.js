"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ROLES = void 0;
exports.ROLES = ['user', 'admin'];
//# sourceMappingURL=authenticated-user.js.map