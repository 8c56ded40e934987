"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ROUTE_TEMPLATE = void 0;
exports.requestIdFor = requestIdFor;
const node_crypto_1 = require("node:crypto");
exports.ROUTE_TEMPLATE = Symbol('routeTemplate');
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
function requestIdFor(req) {
    const header = req.headers['x-request-id'];
    const candidate = Array.isArray(header) ? header[0] : header;
    const id = candidate && ACCEPTABLE_REQUEST_ID.test(candidate) ? candidate : (0, node_crypto_1.randomUUID)();
    req.id = id;
    return id;
}
//# sourceMappingURL=request-context.js.map