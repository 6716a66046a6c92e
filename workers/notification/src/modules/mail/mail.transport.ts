import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  id: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  correlationId: string;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
}

/** SMTP when SMTP_URL is set; otherwise each mail becomes an .eml file in MAIL_DIR, readable by a developer. */
export function createMailTransport(options: { smtpUrl?: string; mailDir: string; from: string }): MailTransport {
  if (options.smtpUrl) {
    const smtp = nodemailer.createTransport(options.smtpUrl);
    return {
      send: async (mail) => {
        await smtp.sendMail({
          from: options.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          headers: { 'X-Correlation-Id': mail.correlationId },
        });
      },
    };
  }
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    send: async (mail) => {
      const info = await stream.sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        headers: { 'X-Correlation-Id': mail.correlationId },
      });
      await mkdir(options.mailDir, { recursive: true });
      await writeFile(
        path.join(options.mailDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.kind}-${mail.id}.eml`),
        info.message as Buffer,
      );
    },
  };
}
