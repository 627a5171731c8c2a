import nodemailer from "nodemailer";
import { webConfig } from "../config.ts";
import { log } from "../log.ts";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

let transport: nodemailer.Transporter | undefined;

/**
 * Sends through SMTP when STREAMBED_SMTP_URL is set; otherwise (local mode) writes the mail to
 * the server log, where a developer running `npm start` can read reset and invitation links.
 */
export async function sendMail(mail: Mail): Promise<void> {
  const { smtpUrl, mailFrom } = webConfig();
  if (!smtpUrl) {
    log.info({ mail }, `mail to ${mail.to}: ${mail.subject}`);
    return;
  }
  transport ??= nodemailer.createTransport(smtpUrl);
  await transport.sendMail({ from: mailFrom, ...mail });
}
