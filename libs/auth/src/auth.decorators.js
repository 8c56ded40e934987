"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CurrentUser = void 0;
exports.Authenticated = Authenticated;
const bootstrap_1 = require("../../bootstrap/src/index.js");
const common_1 = require("@nestjs/common");
const swagger_1 = require("@nestjs/swagger");
const jwt_auth_guard_1 = require("./jwt-auth.guard");
function Authenticated(...roles) {
    const decorators = [(0, common_1.UseGuards)(jwt_auth_guard_1.JwtAuthGuard), (0, swagger_1.ApiBearerAuth)(), (0, bootstrap_1.ApiErrors)(401)];
    if (roles.length)
        decorators.push((0, common_1.SetMetadata)(jwt_auth_guard_1.REQUIRED_ROLES, roles), (0, bootstrap_1.ApiErrors)(403));
    return (0, common_1.applyDecorators)(...decorators);
}
exports.CurrentUser = (0, common_1.createParamDecorator)((_data, context) => {
    const user = context.switchToHttp().getRequest().user;
    if (!user)
        throw new Error('CurrentUser used on a route without @Authenticated()');
    return user;
});
//# sourceMappingURL=auth.decorators.js.map