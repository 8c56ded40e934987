export * from './http-metrics';
export * from './metrics.module';
export * from './business-metrics';
