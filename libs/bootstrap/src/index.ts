export * from './bootstrap';
export * from './service-core.module';
