export * from './http-metrics';
export * from './metrics.module';
