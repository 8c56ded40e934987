export * from './api-access';
export * from './api-errors';
export * from './swagger';
