// Sending over SMTP with nodemailer, and what an outcome means for the caller: 4xx replies and
// connection trouble are worth a retry, 5xx replies about the envelope or the message are not.
//
// The URL is nodemailer's: `smtp://user:pass@host:587` (STARTTLS when the server offers it; add
// `?requireTLS=true` to refuse plaintext), `smtps://user:pass@host:465` (TLS from the start). Query
// parameters are nodemailer options, e.g. `smtp://127.0.0.1:1025` for Mailpit as it comes (it offers no
// STARTTLS), `?tls.rejectUnauthorized=false` for a local catcher with a self-signed certificate,
// `?ignoreTLS=true` to never upgrade. Percent-encode `@ : /` in the user or the password.
import { readFileSync } from 'node:fs';
import nodemailer, { type NodemailerError } from 'nodemailer';
import type { Settings } from '../config/settings.js';
import type { EmailMessage } from './email-compose.js';

export type EmailOutcome =
  | { kind: 'sent'; response: string; messageId: string }
  /** `code`: the SMTP reply code, when the server answered; `error`: nodemailer's or Node's code (ECONNECTION, ETIMEDOUT, EAUTH…). */
  | { kind: 'retry'; reason: string; code?: number; error?: string }
  | { kind: 'permanent'; reason: string; code?: number; error?: string };

export interface MailerOptions {
  url: string;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

export interface Mailer {
  /** Never throws: every failure is an outcome. */
  send(message: EmailMessage): Promise<EmailOutcome>;
  /** Connects and authenticates once; throws when that fails (for a start-up check). */
  verify(): Promise<void>;
  close(): void;
}

/** The URL for logs: the password (and anything unparseable) replaced by `***`. */
export function maskSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return `${/^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? ''}//***`;
  }
}

/** MARSAD_SMTP_URL, else the content of the file MARSAD_SMTP_URL_FILE names (trimmed), else smtp.url; null: no email. */
export function smtpUrlFrom(env: NodeJS.ProcessEnv, settings: { smtp: Pick<Settings['smtp'], 'url'> }): string | null {
  if (env.MARSAD_SMTP_URL) return env.MARSAD_SMTP_URL;
  const file = env.MARSAD_SMTP_URL_FILE;
  if (file) {
    let content: string;
    try {
      content = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new Error(`MARSAD_SMTP_URL_FILE names ${file}, which cannot be read: ${(err as Error).message}`);
    }
    if (!content) throw new Error(`MARSAD_SMTP_URL_FILE names ${file}, which is empty`);
    return content;
  }
  return settings.smtp.url;
}

/** 5xx is a refusal for good, except 503 (bad sequence of commands): that is the session, not the message. */
function isPermanentReply(code: number): boolean {
  return code >= 500 && code < 600 && code !== 503;
}

// Only a refusal of the recipient or of the message is permanent: a 5xx to EHLO, AUTH or MAIL FROM is about
// our account or sender address, and must not flag every subscriber's address.
const ABOUT_RECIPIENT_OR_MESSAGE = new Set(['RCPT TO', 'DATA']);

export function classifySmtpError(err: unknown): Exclude<EmailOutcome, { kind: 'sent' }> {
  const e = err as NodemailerError;
  const error = typeof e.code === 'string' ? e.code : undefined;
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const reason = [error, e.command, (e.response ?? e.message ?? String(err)).trim()].filter(Boolean).join(': ');
  const permanent =
    code !== undefined
      ? isPermanentReply(code) && ABOUT_RECIPIENT_OR_MESSAGE.has(e.command ?? '')
      : // Refused before anything was sent: an address nodemailer cannot use.
        error === 'EENVELOPE' && e.command === 'API';
  return { kind: permanent ? 'permanent' : 'retry', reason, ...(code !== undefined ? { code } : {}), ...(error ? { error } : {}) };
}

export function createMailer(options: MailerOptions): Mailer {
  const scheme = /^([a-z]+):/i.exec(options.url)?.[1]?.toLowerCase();
  if (scheme !== 'smtp' && scheme !== 'smtps') throw new Error(`an SMTP URL starts with smtp:// or smtps://, not ${maskSmtpUrl(options.url)}`);
  // One connection per message: alerts are few, and a fresh connection keeps each outcome about one message
  // (a pool would requeue a message on its own when its connection drops).
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: options.connectionTimeoutMs,
    greetingTimeout: options.greetingTimeoutMs,
    socketTimeout: options.socketTimeoutMs,
    // Messages carry no attachments: nothing may make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(message) {
      try {
        const info = await transport.sendMail(message);
        return { kind: 'sent', response: info.response, messageId: info.messageId };
      } catch (err) {
        return classifySmtpError(err);
      }
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}
