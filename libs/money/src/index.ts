export * from './money';
export * from './payment-methods';
