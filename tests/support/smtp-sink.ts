// An SMTP server inside the test process (loopback, a free port, no TLS) that keeps every message it
// accepts, raw and parsed, and can be told to refuse RCPT TO or DATA with a given reply.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SunkMessage {
  from: string | null;
  to: string[];
  /** The user that authenticated, when one did. */
  user: string | null;
  /** The message exactly as received after DATA (CRLF line ends). */
  raw: string;
  parsed: ParsedMail;
}

export type SinkStage = 'rcpt' | 'data';

export interface SmtpSink {
  port: number;
  /** `smtp://[user:pass@]127.0.0.1:port`. */
  url: string;
  messages: SunkMessage[];
  /** From now on, answer `stage` with `code message` (e.g. 451, 550) until reset(). */
  refuse(stage: SinkStage, code: number, message?: string): void;
  reset(): void;
  close(): Promise<void>;
}

export interface SinkOptions {
  /** When given, AUTH is required and must match. */
  auth?: { user: string; pass: string };
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const messages: SunkMessage[] = [];
  const refusals = new Map<SinkStage, { code: number; message: string }>();
  const refusal = (stage: SinkStage): Error | null => {
    const r = refusals.get(stage);
    return r ? smtpError(r.code, r.message) : null;
  };

  const server = new SMTPServer({
    secure: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    // Plain AUTH without TLS is fine on loopback in a test.
    allowInsecureAuth: true,
    logger: false,
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) callback(null, { user: auth.username });
      else callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onRcptTo(_address, _session, callback) {
      callback(refusal('rcpt'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        const refused = refusal('data');
        if (refused) return callback(refused);
        const raw = Buffer.concat(chunks).toString('utf8');
        // Parsed before the 250 goes out, so the message is in `messages` when sendMail resolves.
        simpleParser(raw).then(
          (parsed) => {
            const from = session.envelope.mailFrom;
            messages.push({
              from: from ? from.address : null,
              to: session.envelope.rcptTo.map((r) => r.address),
              user: typeof session.user === 'string' ? session.user : null,
              raw,
              parsed,
            });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  server.on('error', () => {
    // A client that drops its connection is part of the tests; the session ends either way.
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : '';

  return {
    port,
    url: `smtp://${credentials}127.0.0.1:${port}`,
    messages,
    refuse(stage, code, message = code < 500 ? '4.3.0 Try again later' : '5.1.1 Mailbox unavailable') {
      refusals.set(stage, { code, message });
    },
    reset() {
      refusals.clear();
      messages.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
