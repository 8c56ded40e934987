/**
 * Accepted by both the order and the payment service. `test_success` and `test_decline` are
 * the simulated processor's deterministic methods, for reproducible tests and demos.
 */
export const PAYMENT_METHODS = ['credit_card', 'debit_card', 'paypal', 'bank_transfer', 'test_success', 'test_decline'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
