export * from './domain-error';
export * from './error-body';
export * from './error-mapping';
export * from './http-error.filter';
export * from './validation';
export * from './unacceptable-body';
