export { connectNotificationDatabase, entities, startNotificationWorker, WORKER_NAME } from './app.js';
export { loadNotificationEnv, notificationEnvSchema, type NotificationEnv } from './environment.js';
export type { MailTransport, OutgoingMail } from './modules/mail/mail.transport.js';
export { MailSender } from './modules/mail/mail.sender.js';
export { SmsSender } from './modules/sms/sms.sender.js';
export { fileSmsTransport, httpSmsTransport, type OutgoingSms, type SmsTransport } from './modules/sms/sms.transport.js';
