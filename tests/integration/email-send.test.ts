// Sending composed alerts to an in-test SMTP server: what arrives, and what each failure means.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/model.js';
import { composeAlertEmail, deliveryMessageId, type EmailMessage } from '../../src/deliver/email-compose.js';
import { createMailer, type Mailer } from '../../src/deliver/email-transport.js';
import { WAIT_MS } from '../support/limits.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { STARTED_REPORT } from '../fixtures/alert-assessment.js';

// Guards against a hang (the sink runs in this process, which a loaded machine can hold back); the test of
// the greeting timeout sets its own.
const TIMEOUTS = { connectionTimeoutMs: WAIT_MS, greetingTimeoutMs: WAIT_MS, socketTimeoutMs: WAIT_MS };
const FROM = 'مرصد <alerts@marsad.example>';

// An example text written for this test.
const SENTENCE = 'وأكد المتحدث أن آخر الوحدات الأمريكية ستغادر قاعدة عين الأسد خلال الأسابيع المقبلة.';
const TEXT = `تحدثت الحكومة عن جدول زمني جديد. ${SENTENCE}`;

function alert(title: string): Alert {
  const start = TEXT.indexOf(SENTENCE);
  const at = TEXT.indexOf('ستغادر');
  return {
    id: 'al-00000000000000c3',
    milestone: {
      id: 'ain-al-asad-exit',
      title: { ar: 'إخلاء قاعدة عين الأسد من القوات الأمريكية وقوات التحالف', en: 'US and coalition forces vacate Ain al-Asad Air Base' },
      due: '2025-09-15',
      bases: ['ain-al-asad'],
    },
    article: { id: 'c3c3c3c3c3c3c3c3', title, source: 'وكالة المثال', url: 'https://news.example/ar/asad', published: '2025-08-22', language: 'ar' },
    evidence: [{ text: SENTENCE, start, end: start + SENTENCE.length, matches: [{ start: at, end: at + 6, text: 'ستغادر', term: 'تغادر*' }] }],
    ...STARTED_REPORT,
    tags: { bases: ['ain-al-asad'], topics: ['withdrawal'] },
    firstSeen: '2025-08-22T07:00:00Z',
    createdAt: '2025-08-22T07:00:01Z',
    baseline: false,
  };
}

function message(title = 'آخر الوحدات الأمريكية تغادر عين الأسد', to = 'reader@example.org'): EmailMessage {
  return composeAlertEmail(alert(title), {
    from: FROM,
    to,
    unsubscribeUrl: 'https://marsad.example/unsubscribe/tok_0123',
    unsubscribeMailto: 'mailto:unsubscribe@marsad.example?subject=tok_0123',
    messageId: deliveryMessageId('dl-00000000000000c3', FROM),
    alsoReportedBy: [{ source: 'Example Wire', url: 'https://wire.example/asad', title: 'Last US units to leave Ain al-Asad', published: '2025-08-22' }],
  });
}

/** The header section of a raw message, unfolded: one entry per header field. */
function headerFields(raw: string): string[] {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  return head.replace(/\r\n[ \t]+/g, ' ').split('\r\n');
}

let sink: SmtpSink;
let mailer: Mailer;

beforeAll(async () => {
  sink = await startSmtpSink();
  mailer = createMailer({ url: sink.url, ...TIMEOUTS });
});

afterEach(() => sink.reset());

afterAll(async () => {
  mailer.close();
  await sink.close();
});

describe('a sent alert', () => {
  it('arrives with both parts, the list headers, its Message-ID and an intact Arabic subject', async () => {
    const msg = message();
    const outcome = await mailer.send(msg);
    expect(outcome).toMatchObject({ kind: 'sent', messageId: '<dl-00000000000000c3@marsad.example>' });
    expect(outcome.kind === 'sent' && outcome.response).toMatch(/^250 /);

    expect(sink.messages).toHaveLength(1);
    const got = sink.messages[0]!;
    expect(got.to).toEqual(['reader@example.org']);
    expect(got.from).toBe('alerts@marsad.example');
    const mail = got.parsed;
    expect(mail.subject).toBe(msg.subject);
    expect(mail.from?.value[0]).toEqual({ address: 'alerts@marsad.example', name: 'مرصد' });
    expect(mail.messageId).toBe('<dl-00000000000000c3@marsad.example>');
    expect(mail.text).toContain('**ستغادر**');
    expect(mail.html).toContain('<html lang="ar" dir="rtl">');
    expect(mail.html).toContain('<mark>ستغادر</mark>');
    expect(got.raw).toMatch(/^Content-Type: multipart\/alternative;/m);

    const fields = headerFields(got.raw);
    expect(fields).toContain('List-Unsubscribe: <https://marsad.example/unsubscribe/tok_0123>, <mailto:unsubscribe@marsad.example?subject=tok_0123>');
    expect(fields).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(fields).toContain('Auto-Submitted: auto-generated');
    expect(fields).toContain('Message-ID: <dl-00000000000000c3@marsad.example>');
  });

  it('keeps its Message-ID when sent again, so that a resend can be recognised', async () => {
    await mailer.send(message());
    await mailer.send(message());
    expect(sink.messages.map((m) => m.parsed.messageId)).toEqual(['<dl-00000000000000c3@marsad.example>', '<dl-00000000000000c3@marsad.example>']);
  });

  it('cannot inject a header through a title with CR/LF', async () => {
    const outcome = await mailer.send(message('عنوان\r\nBcc: victim@example.org\r\nX-Injected: yes\n\nجسم'));
    expect(outcome.kind).toBe('sent');
    const got = sink.messages[0]!;
    expect(got.to).toEqual(['reader@example.org']);
    const fields = headerFields(got.raw);
    expect(fields.filter((f) => /^(Bcc|X-Injected):/i.test(f))).toEqual([]);
    expect(fields.filter((f) => /^Subject:/i.test(f))).toHaveLength(1);
    expect(got.parsed.subject).toBe('إخلاء قاعدة عين الأسد من القوات الأمريكية وقوات التحالف — عنوان Bcc: victim@example.org X-Injected: yes جسم');
    expect(got.parsed.headers.has('x-injected')).toBe(false);
    expect(got.parsed.bcc).toBeUndefined();
  });
});

describe('failures', () => {
  it('451 to RCPT TO is a retry', async () => {
    sink.refuse('rcpt', 451);
    expect(await mailer.send(message())).toMatchObject({ kind: 'retry', code: 451, error: 'EENVELOPE' });
    expect(sink.messages).toHaveLength(0);
  });

  it('451 to DATA is a retry', async () => {
    sink.refuse('data', 451);
    expect(await mailer.send(message())).toMatchObject({ kind: 'retry', code: 451 });
  });

  it('550 to RCPT TO is permanent', async () => {
    sink.refuse('rcpt', 550, '5.1.1 No such mailbox');
    const outcome = await mailer.send(message());
    expect(outcome).toMatchObject({ kind: 'permanent', code: 550 });
    expect(outcome.kind === 'permanent' && outcome.reason).toContain('5.1.1 No such mailbox');
  });

  it('554 to DATA is permanent', async () => {
    sink.refuse('data', 554, '5.6.0 Message refused');
    expect(await mailer.send(message())).toMatchObject({ kind: 'permanent', code: 554 });
  });

  it('a closed port is a retry', async () => {
    const port = await closedPort();
    const down = createMailer({ url: `smtp://127.0.0.1:${port}`, ...TIMEOUTS });
    try {
      const outcome = await down.send(message());
      expect(outcome).toMatchObject({ kind: 'retry' });
      expect(outcome.kind === 'retry' && outcome.code).toBeUndefined();
      await expect(down.verify()).rejects.toThrow();
    } finally {
      down.close();
    }
  });

  it('a server that never greets is a retry after the greeting timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => sockets.add(s));
    const port = await listen(silent);
    const slow = createMailer({ url: `smtp://127.0.0.1:${port}`, ...TIMEOUTS, greetingTimeoutMs: 200 });
    try {
      expect(await slow.send(message())).toMatchObject({ kind: 'retry', error: 'ETIMEDOUT' });
    } finally {
      slow.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('authentication', () => {
  let authSink: SmtpSink;
  beforeAll(async () => {
    authSink = await startSmtpSink({ auth: { user: 'alerts@marsad.example', pass: 'p@ss:w/rd' } });
  });
  afterAll(() => authSink.close());

  it('logs in with the user and password of the URL', async () => {
    expect(authSink.url).toContain('alerts%40marsad.example:p%40ss%3Aw%2Frd@');
    const withAuth = createMailer({ url: authSink.url, ...TIMEOUTS });
    try {
      await withAuth.verify();
      expect(await withAuth.send(message())).toMatchObject({ kind: 'sent' });
      expect(authSink.messages[0]?.user).toBe('alerts@marsad.example');
    } finally {
      withAuth.close();
    }
  });

  it('a wrong password is a retry, not a refusal of the address', async () => {
    const wrong = createMailer({ url: `smtp://alerts%40marsad.example:nope@127.0.0.1:${authSink.port}`, ...TIMEOUTS });
    try {
      expect(await wrong.send(message())).toMatchObject({ kind: 'retry', code: 535, error: 'EAUTH' });
      await expect(wrong.verify()).rejects.toThrow(/535/);
    } finally {
      wrong.close();
    }
  });
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** A port that was free a moment ago and has nothing listening on it now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
