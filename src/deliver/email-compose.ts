// Composing alert and digest emails (pure): a message object nodemailer can send, with a plain-text and an
// HTML part. Everything that comes from articles is untrusted: it is HTML-escaped, and control characters
// are removed from whatever ends up in a header (the subject) or on a terminal (the text part).
import type { Alert } from '../alerts/model.js';
import { STATUS_WORDS } from '../milestones/assess.js';
import type { DuplicateRef } from '../model.js';
import type { Evidence } from '../tagging/gazetteer.js';

/** A reprint of the alert's story, shown under "also reported by". */
export type Reprint = Pick<DuplicateRef, 'source' | 'url' | 'title' | 'published'>;

interface Envelope {
  /** RFC 5322 address, e.g. settings.smtp.from. */
  from: string;
  to: string;
  /** `${http.publicUrl}/unsubscribe/TOKEN`; it is the List-Unsubscribe target and the footer link. */
  unsubscribeUrl: string;
  /** Optional second List-Unsubscribe target, `mailto:unsubscribe@…`. */
  unsubscribeMailto?: string;
  /** Stable per delivery (see deliveryMessageId) so that a resend after a crash is recognisable. */
  messageId: string;
}

export interface AlertEmailExtra extends Envelope {
  alsoReportedBy: readonly Reprint[];
}

export interface DigestEmailExtra extends Envelope {
  /** Reprints per alert id. */
  alsoReportedBy: Readonly<Record<string, readonly Reprint[]>>;
}

/** A message for nodemailer's sendMail (a subset of its SendMailOptions). */
export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** With angle brackets. */
  messageId: string;
  headers: Record<string, string>;
}

type Lang = 'ar' | 'en';

const LABELS = {
  ar: {
    due: 'الموعد المحدد',
    report: 'ما يقوله الخبر',
    status: 'تقييم الموعد',
    hedged: 'غير مؤكد',
    evidence: 'ما ورد في الخبر',
    alsoReportedBy: 'نشرته أيضاً',
    untitled: 'خبر بلا عنوان',
    digest: 'ملخص مرصد',
    alerts: 'عدد التنبيهات',
    footer: 'رسالة آلية من مرصد، لأنك مشترك في تنبيهات الانسحاب.',
    unsubscribe: 'إلغاء الاشتراك',
  },
  en: {
    due: 'Due',
    report: 'This report',
    status: 'Milestone status',
    hedged: 'unconfirmed',
    evidence: 'What the article says',
    alsoReportedBy: 'Also reported by',
    untitled: 'Untitled article',
    digest: 'marsad digest',
    alerts: 'alerts',
    footer: 'An automated message from marsad: you subscribed to withdrawal alerts.',
    unsubscribe: 'Unsubscribe',
  },
} as const;

const SUBJECT_MAX = 200;

/** Chrome (labels, milestone title) follows the article: Arabic for Arabic, English otherwise. */
function langOf(language: string): Lang {
  return language === 'ar' ? 'ar' : 'en';
}

/** `lang` and `dir` for an element holding text in `language`; an unknown language lets the client decide. */
function langAttrs(language: string): string {
  if (language === 'ar') return 'lang="ar" dir="rtl"';
  if (language === 'en') return 'lang="en" dir="ltr"';
  return 'dir="auto"';
}

// C0/C1 controls (CR and LF among them), line/paragraph separators, and bidi embeddings/overrides/isolates:
// unbalanced ones reorder the rest of a subject line. The marks LRM/RLM stay: Arabic titles use them.
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_CHARS = new RegExp(UNSAFE_CHAR.source, 'g');

/** Text for a single line (subject, title, outlet): unsafe characters become spaces, runs of space one. */
export function oneLine(s: string): string {
  return s.replace(UNSAFE_CHARS, ' ').replace(/\s+/g, ' ').trim();
}

/** Same length as the input, so that evidence offsets stay valid. */
function stripUnsafe(s: string): string {
  return s.replace(UNSAFE_CHARS, ' ');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Only http(s) links become links: an article URL like `javascript:…` must stay inert. */
function safeHref(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

function formatInstant(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? oneLine(iso) : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export interface Segment {
  text: string;
  marked: boolean;
}

/**
 * The evidence sentence cut into plain and highlighted runs. Match offsets are into the article, so they
 * are made relative to the sentence; overlapping matches merge, and a match whose offsets do not point at
 * its own text is not highlighted (a wrong highlight is worse than none).
 */
export function evidenceSegments(evidence: Evidence): Segment[] {
  const { text } = evidence;
  const spans = evidence.matches
    .map((m) => ({ start: m.start - evidence.start, end: m.end - evidence.start, text: m.text }))
    .filter((s) => s.start >= 0 && s.end <= text.length && s.start < s.end && text.slice(s.start, s.end) === s.text)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const segments: Segment[] = [];
  const push = (from: number, to: number, marked: boolean): void => {
    const last = segments.at(-1);
    if (last && last.marked === marked) last.text += text.slice(from, to);
    else segments.push({ text: text.slice(from, to), marked });
  };
  let pos = 0;
  for (const span of spans) {
    const start = Math.max(span.start, pos);
    if (span.end <= start) continue;
    if (start > pos) push(pos, start, false);
    push(start, span.end, true);
    pos = span.end;
  }
  if (pos < text.length || segments.length === 0) push(pos, text.length, false);
  return segments.map((s) => ({ text: stripUnsafe(s.text), marked: s.marked }));
}

function headers(extra: Envelope): Record<string, string> {
  const targets = [extra.unsubscribeUrl, ...(extra.unsubscribeMailto ? [extra.unsubscribeMailto] : [])];
  // Checked as given: URL parsing would quietly drop a line break instead of refusing it.
  if (targets.some((t) => UNSAFE_CHAR.test(t) || /[\s<>]/.test(t))) throw new Error('an unsubscribe target holds spaces, <, > or control characters');
  const url = new URL(extra.unsubscribeUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`the unsubscribe URL must be http(s): ${extra.unsubscribeUrl}`);
  return {
    'List-Unsubscribe': targets.map((t) => `<${t}>`).join(', '),
    // RFC 8058: one-click unsubscribe is defined for an HTTPS target only.
    ...(url.protocol === 'https:' ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
    // RFC 3834: keeps vacation responders and ticket systems from answering.
    'Auto-Submitted': 'auto-generated',
  };
}

function normalizeMessageId(id: string): string {
  const bare = id.replace(/^<|>$/g, '');
  // Printable ASCII without < > @ on either side of the @ (RFC 5322 msg-id, simplified).
  if (!/^[!-;=?A-~]+@[!-;=?A-~]+$/.test(bare)) throw new Error(`not a Message-ID: ${JSON.stringify(id)}`);
  return `<${bare}>`;
}

/** `<dl-…@domain of from>`: the same delivery always gets the same Message-ID. */
export function deliveryMessageId(deliveryId: string, from: string): string {
  const domain = /@([^\s<>@]+?)>?\s*$/.exec(from)?.[1] ?? 'marsad.invalid';
  return normalizeMessageId(`${deliveryId}@${domain}`);
}

function alertSubject(alert: Alert): string {
  const lang = langOf(alert.article.language);
  const parts = [alert.milestone.title[lang], alert.article.title ?? alert.article.source].filter((p): p is string => !!p);
  return truncate(oneLine(parts.join(' — ')), SUBJECT_MAX);
}

function sharedLanguage(alerts: readonly Alert[]): string {
  const langs = new Set(alerts.map((a) => a.article.language));
  return langs.size === 1 ? [...langs][0]! : 'en';
}

// ---------------------------------------------------------------------------------------------
// Plain text: one block per alert, evidence quoted with the matches in **…**.

/** "started (joint operations command, unconfirmed)" and "scheduled → started: …", or null for alerts recorded before stances. */
function assessmentLines(alert: Alert, lang: Lang): { report: string; status: string } | null {
  if (!alert.stance || !alert.assessment) return null;
  const l = LABELS[lang];
  const who = [alert.attribution ? (alert.attribution.name?.[lang] ?? alert.attribution.who) : null, alert.hedged ? l.hedged : null].filter((p): p is string => !!p);
  const { before, after } = alert.assessment;
  const change = before.status === after.status ? STATUS_WORDS[after.status][lang] : `${STATUS_WORDS[before.status][lang]} → ${STATUS_WORDS[after.status][lang]}`;
  return {
    report: `${STATUS_WORDS[alert.stance][lang]}${who.length > 0 ? ` (${who.join(lang === 'ar' ? '، ' : ', ')})` : ''}`,
    status: `${change}. ${after.summary[lang]}`,
  };
}

function alertText(alert: Alert, reprints: readonly Reprint[]): string {
  const lang = langOf(alert.article.language);
  const l = LABELS[lang];
  const a = alert.article;
  const assessed = assessmentLines(alert, lang);
  const lines = [
    oneLine(alert.milestone.title[langOf(a.language)]),
    `${l.due}: ${oneLine(alert.milestone.due)}`,
    ...(assessed ? [`${l.report}: ${oneLine(assessed.report)}`, `${l.status}: ${oneLine(assessed.status)}`] : []),
    '',
    oneLine(a.title ?? l.untitled),
    [a.source, a.published].filter((p): p is string => !!p).map(oneLine).join(' · '),
    safeHref(a.url) ?? '',
    '',
    `${l.evidence}:`,
    ...alert.evidence.map((e) => `> ${evidenceSegments(e).map((s) => (s.marked ? `**${s.text}**` : s.text)).join('')}`),
  ];
  if (reprints.length > 0) {
    lines.push('', `${l.alsoReportedBy}:`);
    for (const r of reprints) {
      lines.push(`- ${[r.source, r.title, r.published].filter((p): p is string => !!p).map(oneLine).join(' · ')}`);
      const href = safeHref(r.url);
      if (href) lines.push(`  ${href}`);
    }
  }
  return lines.filter((line, i, all) => line !== '' || all[i - 1] !== '').join('\n');
}

function footerText(lang: Lang, unsubscribeUrl: string): string {
  return `-- \n${LABELS[lang].footer}\n${LABELS[lang].unsubscribe}: ${unsubscribeUrl}\n`;
}

// ---------------------------------------------------------------------------------------------
// HTML: no template engine; every interpolation goes through escapeHtml (or safeHref, then escapeHtml).

function link(label: string, url: string | null): string {
  const href = safeHref(url);
  return href ? `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>` : escapeHtml(label);
}

function alertHtml(alert: Alert, reprints: readonly Reprint[]): string {
  const a = alert.article;
  const lang = langOf(a.language);
  const l = LABELS[lang];
  const byline = [a.source, a.published].filter((p): p is string => !!p).map((p) => escapeHtml(oneLine(p)));
  const evidence = alert.evidence
    .map((e) => {
      const html = evidenceSegments(e)
        .map((s) => (s.marked ? `<mark>${escapeHtml(s.text)}</mark>` : escapeHtml(s.text)))
        .join('');
      return `<blockquote style="margin:0.5em 0;padding:0 0.75em;border-inline-start:3px solid #ccc">${html}</blockquote>`;
    })
    .join('\n');
  const assessed = assessmentLines(alert, lang);
  const reprintItems = reprints.map((r) => {
    const date = r.published ? ` · ${escapeHtml(oneLine(r.published))}` : '';
    return `<li>${link([r.source, r.title].filter((p): p is string => !!p).map(oneLine).join(': ') || (r.url ?? '?'), r.url)}${date}</li>`;
  });
  return [
    `<section ${langAttrs(a.language)} style="margin-bottom:1.5em">`,
    `<h2 style="font-size:1.15em;margin:0">${escapeHtml(oneLine(alert.milestone.title[lang]))}</h2>`,
    `<p style="margin:0.25em 0">${escapeHtml(l.due)}: <time datetime="${escapeHtml(oneLine(alert.milestone.due))}">${escapeHtml(oneLine(alert.milestone.due))}</time></p>`,
    assessed ? `<p style="margin:0.25em 0">${escapeHtml(l.report)}: <strong>${escapeHtml(oneLine(assessed.report))}</strong><br>${escapeHtml(l.status)}: ${escapeHtml(oneLine(assessed.status))}</p>` : '',
    `<h3 style="font-size:1em;margin:0.75em 0 0">${link(oneLine(a.title ?? l.untitled), a.url)}</h3>`,
    byline.length > 0 ? `<p style="margin:0;color:#555">${byline.join(' · ')}</p>` : '',
    `<p style="margin:0.75em 0 0.25em"><strong>${escapeHtml(l.evidence)}</strong></p>`,
    evidence,
    reprintItems.length > 0 ? `<p style="margin:0.75em 0 0.25em"><strong>${escapeHtml(l.alsoReportedBy)}</strong></p>\n<ul>${reprintItems.join('')}</ul>` : '',
    '</section>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

function page(language: string, title: string, body: string, unsubscribeUrl: string): string {
  const l = LABELS[langOf(language)];
  return [
    '<!doctype html>',
    `<html ${langAttrs(langOf(language))}>`,
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:sans-serif;line-height:1.5;max-width:42em;margin:0 auto;padding:1em">',
    body,
    `<hr><p style="font-size:0.85em;color:#555">${escapeHtml(l.footer)} <a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(l.unsubscribe)}</a></p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

/** One alert, for subscribers in immediate mode; in the article's language and direction. */
export function composeAlertEmail(alert: Alert, extra: AlertEmailExtra): EmailMessage {
  const listHeaders = headers(extra);
  const subject = alertSubject(alert);
  const lang = langOf(alert.article.language);
  return {
    from: extra.from,
    to: extra.to,
    subject,
    text: `${alertText(alert, extra.alsoReportedBy)}\n\n${footerText(lang, extra.unsubscribeUrl)}`,
    html: page(alert.article.language, subject, alertHtml(alert, extra.alsoReportedBy), extra.unsubscribeUrl),
    messageId: normalizeMessageId(extra.messageId),
    headers: listHeaders,
  };
}

/**
 * The alerts of one digest window `[from, to)`, in the order given. The page takes the alerts' language
 * when they share one (English otherwise); each alert block carries its own `lang`/`dir`.
 */
export function composeDigestEmail(alerts: readonly Alert[], window: { from: string; to: string }, extra: DigestEmailExtra): EmailMessage {
  if (alerts.length === 0) throw new Error('a digest needs at least one alert');
  const listHeaders = headers(extra);
  const language = sharedLanguage(alerts);
  const l = LABELS[langOf(language)];
  const range = `${formatInstant(window.from)} – ${formatInstant(window.to)}`;
  const subject = oneLine(`${l.digest} (${alerts.length}): ${range}`);
  const reprintsOf = (a: Alert): readonly Reprint[] => extra.alsoReportedBy[a.id] ?? [];
  const text = [
    subject,
    '='.repeat(Math.min([...subject].length, 60)),
    '',
    alerts.map((a) => alertText(a, reprintsOf(a))).join('\n\n* * *\n\n'),
    '',
    footerText(langOf(language), extra.unsubscribeUrl),
  ].join('\n');
  const body = [
    `<h1 style="font-size:1.3em">${escapeHtml(l.digest)}</h1>`,
    `<p>${escapeHtml(range)} · ${alerts.length} ${escapeHtml(l.alerts)}</p>`,
    ...alerts.map((a) => alertHtml(a, reprintsOf(a))),
  ].join('\n');
  return {
    from: extra.from,
    to: extra.to,
    subject,
    text,
    html: page(language, subject, body, extra.unsubscribeUrl),
    messageId: normalizeMessageId(extra.messageId),
    headers: listHeaders,
  };
}
