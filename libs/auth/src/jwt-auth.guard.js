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
Object.defineProperty(exports, "__esModule", { value: true });
exports.JwtAuthGuard = exports.REQUIRED_ROLES = void 0;
const bootstrap_1 = require("../../bootstrap/src/index.js");
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const jwt_1 = require("@nestjs/jwt");
const authenticated_user_1 = require("./authenticated-user");
exports.REQUIRED_ROLES = 'auth:requiredRoles';
const BEARER = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i;
let JwtAuthGuard = class JwtAuthGuard {
    jwt;
    reflector;
    constructor(jwt, reflector) {
        this.jwt = jwt;
        this.reflector = reflector;
    }
    async canActivate(context) {
        const request = context.switchToHttp().getRequest();
        const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
        if (!token)
            throw new bootstrap_1.UnauthorizedError('A bearer access token is required', 'AUTH.TOKEN_MISSING');
        const claims = await this.verify(token);
        request.user = { id: claims.sub, role: claims.role, token };
        const roles = this.reflector.getAllAndOverride(exports.REQUIRED_ROLES, [context.getHandler(), context.getClass()]);
        if (roles?.length && !roles.includes(claims.role))
            throw new bootstrap_1.ForbiddenError(`This requires the role ${roles.join(' or ')}`);
        return true;
    }
    async verify(token) {
        let claims;
        try {
            claims = await this.jwt.verifyAsync(token, { algorithms: ['HS256'] });
        }
        catch (error) {
            const expired = error.name === 'TokenExpiredError';
            throw new bootstrap_1.UnauthorizedError(expired ? 'The access token has expired; refresh it or log in again' : 'The access token is invalid', expired ? 'AUTH.TOKEN_EXPIRED' : 'AUTH.TOKEN_INVALID');
        }
        if (claims.typ !== 'access' || typeof claims.sub !== 'string' || !authenticated_user_1.ROLES.includes(claims.role)) {
            throw new bootstrap_1.UnauthorizedError('The access token is invalid', 'AUTH.TOKEN_INVALID');
        }
        return claims;
    }
};
exports.JwtAuthGuard = JwtAuthGuard;
exports.JwtAuthGuard = JwtAuthGuard = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [jwt_1.JwtService,
        core_1.Reflector])
], JwtAuthGuard);
//# sourceMappingURL=jwt-auth.guard.js.map