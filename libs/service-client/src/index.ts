export * from './service-client';
export * from './service-clients';
export * from './service-calls.config';
