import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifySmtpError, createMailer, maskSmtpUrl, smtpUrlFrom } from '../../src/deliver/email-transport.js';

/** An error shaped as nodemailer's SMTP connection makes them. */
function smtpErr(code: string, command: string, response?: string): Error {
  const responseCode = response ? Number(/^\d+/.exec(response)?.[0]) : undefined;
  return Object.assign(new Error(`failed${response ? `: ${response}` : ''}`), { code, command, response, responseCode });
}

describe('classifySmtpError', () => {
  it.each<[string, Error, 'retry' | 'permanent', number | undefined]>([
    ['450 to RCPT TO', smtpErr('EENVELOPE', 'RCPT TO', '450 4.2.1 Mailbox busy'), 'retry', 450],
    ['451 to DATA', smtpErr('EMESSAGE', 'DATA', '451 4.3.0 Try later'), 'retry', 451],
    ['550 to RCPT TO', smtpErr('EENVELOPE', 'RCPT TO', '550 5.1.1 No such user'), 'permanent', 550],
    ['552 to DATA', smtpErr('EMESSAGE', 'DATA', '552 5.3.4 Too big'), 'permanent', 552],
    ['503 bad sequence, a session problem', smtpErr('EENVELOPE', 'RCPT TO', '503 5.5.1 Bad sequence'), 'retry', 503],
    ['535 to AUTH: our credentials, not the address', smtpErr('EAUTH', 'AUTH PLAIN', '535 5.7.8 Bad credentials'), 'retry', 535],
    ['550 to MAIL FROM: our sender, not the address', smtpErr('EENVELOPE', 'MAIL FROM', '550 5.7.1 Sender refused'), 'retry', 550],
    ['421 closing', smtpErr('EENVELOPE', 'RCPT TO', '421 4.7.0 Closing'), 'retry', 421],
    ['connection refused', smtpErr('ESOCKET', 'CONN'), 'retry', undefined],
    ['greeting timeout', smtpErr('ETIMEDOUT', 'CONN'), 'retry', undefined],
    ['an address nodemailer cannot use', smtpErr('EENVELOPE', 'API'), 'permanent', undefined],
    ['something else', new Error('boom'), 'retry', undefined],
  ])('%s', (_name, err, kind, code) => {
    const outcome = classifySmtpError(err);
    expect(outcome.kind).toBe(kind);
    expect(outcome.code).toBe(code);
    expect(outcome.reason).not.toBe('');
  });

  it('says what failed in the reason', () => {
    expect(classifySmtpError(smtpErr('EENVELOPE', 'RCPT TO', '550 5.1.1 No such user'))).toEqual({
      kind: 'permanent',
      reason: 'EENVELOPE: RCPT TO: 550 5.1.1 No such user',
      code: 550,
      error: 'EENVELOPE',
    });
  });
});

describe('maskSmtpUrl', () => {
  it.each([
    ['smtp://alerts:s3cr3t@mail.example:587', 'smtp://alerts:***@mail.example:587'],
    ['smtps://alerts%40m.example:p%40ss@mail.example:465', 'smtps://alerts%40m.example:***@mail.example:465'],
    ['smtp://127.0.0.1:1025', 'smtp://127.0.0.1:1025'],
    ['smtp://u:pw@[bad', 'smtp://***'],
  ])('%s', (url, masked) => {
    expect(maskSmtpUrl(url)).toBe(masked);
  });
});

describe('smtpUrlFrom', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'marsad-smtp-url-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const settings = { smtp: { url: 'smtp://from-settings:25' } };
  const file = path.join(dir, 'url');
  writeFileSync(file, '  smtp://u:p@from-file:587\n');

  it('takes MARSAD_SMTP_URL first', () => {
    expect(smtpUrlFrom({ MARSAD_SMTP_URL: 'smtp://from-env:25', MARSAD_SMTP_URL_FILE: file }, settings)).toBe('smtp://from-env:25');
  });
  it('then the file MARSAD_SMTP_URL_FILE names, trimmed', () => {
    expect(smtpUrlFrom({ MARSAD_SMTP_URL_FILE: file }, settings)).toBe('smtp://u:p@from-file:587');
  });
  it('then the settings, else null', () => {
    expect(smtpUrlFrom({}, settings)).toBe('smtp://from-settings:25');
    expect(smtpUrlFrom({}, { smtp: { url: null } })).toBeNull();
  });
  it('fails naming a file it cannot read or that is empty', () => {
    expect(() => smtpUrlFrom({ MARSAD_SMTP_URL_FILE: path.join(dir, 'missing') }, settings)).toThrow(/MARSAD_SMTP_URL_FILE.*missing/);
    writeFileSync(path.join(dir, 'empty'), '\n');
    expect(() => smtpUrlFrom({ MARSAD_SMTP_URL_FILE: path.join(dir, 'empty') }, settings)).toThrow(/empty/);
  });
});

describe('createMailer', () => {
  it('refuses a URL that is not smtp(s), without showing its password', () => {
    const timeouts = { connectionTimeoutMs: 1000, greetingTimeoutMs: 1000, socketTimeoutMs: 1000 };
    expect(() => createMailer({ url: 'http://u:secret@mail.example', ...timeouts })).toThrow(/smtp:\/\/ or smtps:\/\/.*\*\*\*/);
    expect(() => createMailer({ url: 'http://u:secret@mail.example', ...timeouts })).not.toThrow(/secret/);
  });
});
