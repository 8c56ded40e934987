// The services' contracts: types generated from their OpenAPI documents (libs/contracts/openapi,
// written by `npm run openapi:write`), for the code that calls one service from another.
import type { components as OrderComponents } from './generated/order';
import type { operations as OrderInternalOperations } from './generated/order-internal';
import type { components as PaymentComponents, operations as PaymentOperations } from './generated/payment';
import type { operations as PaymentInternalOperations } from './generated/payment-internal';
import type { components as UserComponents, operations as UserOperations } from './generated/user';
import type { operations as UserInternalOperations } from './generated/user-internal';

export type { OrderInternalOperations, PaymentInternalOperations, PaymentOperations, UserInternalOperations, UserOperations };
export type OrderSchemas = OrderComponents['schemas'];
export type PaymentSchemas = PaymentComponents['schemas'];
export type UserSchemas = UserComponents['schemas'];

/** The JSON body an operation answers with `status`: `JsonResponse<UserInternalOperations['getAccountStatus'], 200>`. */
export type JsonResponse<Operation, Status extends number> = Operation extends { responses: { [S in Status]: { content: { 'application/json': infer Body } } } }
  ? Body
  : never;

/** The JSON body an operation takes: `JsonRequestBody<PaymentOperations['createPayment']>`. */
export type JsonRequestBody<Operation> = Operation extends { requestBody: { content: { 'application/json': infer Body } } } ? Body : never;

export * from './error-codes';
export * from './services';
