import nodemailer from 'nodemailer';
import type { Settings } from '../settings/settings.schema';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends through the SMTP server of the settings; answers false when none is configured. */
export async function sendMail(smtp: Settings['smtp'], message: MailMessage): Promise<boolean> {
  if (!smtp.host) return false;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({ from: smtp.from, to: message.to, subject: message.subject, text: message.text });
    return true;
  } finally {
    transport.close();
  }
}
