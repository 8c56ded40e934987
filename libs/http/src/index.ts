export * from './client-gone';
export * from './fastify';
export * from './pagination';
export * from './request-context';
export * from './request-headers';
export * from './uuid-param';
