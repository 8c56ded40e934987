import { ApiMoneyProperty, fromMinorUnits, PAYMENT_METHODS, type PaymentMethod } from '@app/money';
import { ApiProperty } from '@nestjs/swagger';
import { PAYMENT_STATUSES, type Payment, type PaymentStatus } from '../payment.entity';

export class PaymentResponse {
  @ApiProperty({ example: '9c4d2e71-0b5a-4f8e-8d3c-6a1f2b7e4c90', format: 'uuid' })
  id: string;

  @ApiProperty({ example: '3b0f8a52-6c1e-4d7a-9f3e-5a2b7c9d1e04', format: 'uuid' })
  order_id: string;

  @ApiProperty({ example: '6f1c2f5e-8a4b-4c7e-9a59-2f4f7d1f0b6a', format: 'uuid' })
  user_id: string;

  @ApiMoneyProperty({ example: 59.97 })
  amount: number;

  @ApiProperty({ example: 'USD', description: 'ISO 4217 currency code' })
  currency: string;

  @ApiProperty({ example: 'credit_card', enum: PAYMENT_METHODS })
  payment_method: PaymentMethod;

  @ApiProperty({ example: 'completed', enum: PAYMENT_STATUSES })
  status: PaymentStatus;

  @ApiProperty({ example: 'txn_4f9a1c0e7b2d5a8e3c6f1b0d', nullable: true, type: String, description: 'Set when the payment completed' })
  transaction_id: string | null;

  @ApiProperty({ example: 'Card declined by the issuer (simulated)', nullable: true, type: String, description: 'Why the payment was declined' })
  failure_reason: string | null;

  @ApiProperty({ example: '2026-11-26T12:00:00.000Z', format: 'date-time' })
  created_at: string;

  @ApiProperty({ example: '2026-11-26T12:00:00.000Z', format: 'date-time' })
  updated_at: string;

  @ApiProperty({ example: '2026-11-27T09:30:00.000Z', nullable: true, type: String, format: 'date-time', description: 'Set when the payment was refunded' })
  refunded_at: string | null;

  static from(payment: Payment): PaymentResponse {
    return {
      id: payment.id,
      order_id: payment.orderId,
      user_id: payment.userId,
      amount: fromMinorUnits(payment.amountMinor),
      currency: payment.currency,
      payment_method: payment.paymentMethod,
      status: payment.status,
      transaction_id: payment.transactionId,
      failure_reason: payment.failureReason,
      created_at: payment.createdAt.toISOString(),
      updated_at: payment.updatedAt.toISOString(),
      refunded_at: payment.refundedAt?.toISOString() ?? null,
    };
  }
}
