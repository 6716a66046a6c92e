export { connectPaymentDatabase, entities, startPaymentWorker, WORKER_NAME } from './app.js';
export { loadPaymentEnv, paymentEnvSchema, type PaymentEnv } from './environment.js';
export type { ChargeRequest, ChargeResult, PaymentProvider, RefundRequest, RefundResult } from './modules/payment/payment.provider.js';
export { SimulatedPaymentProvider } from './modules/payment/payment.provider.js';
