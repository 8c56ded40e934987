export * from './auth.config';
export * from './auth.decorators';
export * from './auth.module';
export * from './authenticated-user';
export * from './jwt-auth.guard';
export * from './service-token';
