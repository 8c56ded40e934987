import { retryDelayMs } from './payment-event.entity';

describe('retryDelayMs', () => {
  it('doubles from 1 s after each failed delivery and stops at 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });
});
