import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/model.js';
import {
  composeAlertEmail,
  composeDigestEmail,
  deliveryMessageId,
  evidenceSegments,
  type AlertEmailExtra,
  type DigestEmailExtra,
} from '../../src/deliver/email-compose.js';
import type { Evidence } from '../../src/tagging/gazetteer.js';
import { STARTED_REPORT } from '../fixtures/alert-assessment.js';

// Example texts written for these tests.
const AR_LEAD = 'أفادت مصادر أمنية في بغداد يوم الخميس بتحركات لقوافل عسكرية غربي البلاد. ';
const AR_SENTENCE = 'وقال مسؤول عسكري عراقي إن القوات الأمريكية بدأت الانسحاب من قاعدة عين الأسد في الأنبار، على أن يكتمل إخلاؤها قبل منتصف أيلول.';
const AR_TEXT = `${AR_LEAD}${AR_SENTENCE} ولم يصدر تعليق فوري من التحالف.`;

const EN_SENTENCE = 'Two officials said on Thursday that coalition troops would leave Ain al-Asad by mid-September.';
const EN_TEXT = `Convoys were seen on the highway west of Ramadi. ${EN_SENTENCE} Equipment is being moved north.`;

/** Evidence for `sentence` of `text`, with a match for each term, offsets into `text` as the tagger gives them. */
function evidence(text: string, sentence: string, terms: string[]): Evidence {
  const start = text.indexOf(sentence);
  return {
    text: sentence,
    start,
    end: start + sentence.length,
    matches: terms.map((t) => {
      const at = text.indexOf(t, start);
      return { start: at, end: at + t.length, text: t, term: t };
    }),
  };
}

const MILESTONE: Alert['milestone'] = {
  id: 'ain-al-asad-exit',
  title: { ar: 'إخلاء قاعدة عين الأسد من القوات الأمريكية وقوات التحالف', en: 'US and coalition forces vacate Ain al-Asad Air Base' },
  due: '2025-09-15',
  bases: ['ain-al-asad'],
};

function alert(over: Partial<Alert['article']> & { evidence?: Evidence[]; id?: string } = {}): Alert {
  const { evidence: ev, id, ...article } = over;
  return {
    id: id ?? 'al-00000000000000a1',
    milestone: MILESTONE,
    article: {
      id: 'a1b2c3d4e5f60718',
      title: 'بدء انسحاب القوات الأمريكية من عين الأسد',
      source: 'وكالة المثال',
      url: 'https://news.example/ar/2025/08/ain-al-asad',
      published: '2025-08-21',
      language: 'ar',
      ...article,
    },
    evidence: ev ?? [evidence(AR_TEXT, AR_SENTENCE, ['الانسحاب', 'عين الأسد'])],
    ...STARTED_REPORT,
    tags: { bases: ['ain-al-asad'], topics: ['withdrawal'] },
    firstSeen: '2025-08-21T09:00:00Z',
    createdAt: '2025-08-21T09:00:05Z',
    baseline: false,
  };
}

const englishAlert = (): Alert =>
  alert({
    id: 'al-00000000000000b2',
    title: 'Coalition to leave Ain al-Asad by mid-September',
    source: 'Example Wire',
    url: 'https://wire.example/2025/08/ain-al-asad',
    language: 'en',
    evidence: [evidence(EN_TEXT, EN_SENTENCE, ['leave', 'Ain al-Asad'])],
  });

const EXTRA: AlertEmailExtra = {
  from: 'marsad <alerts@marsad.example>',
  to: 'reader@example.org',
  unsubscribeUrl: 'https://marsad.example/unsubscribe/tok_abc123',
  messageId: '<dl-0123456789abcdef@marsad.example>',
  alsoReportedBy: [
    { source: 'صحيفة أخرى', url: 'https://other.example/story/77', title: 'القوات الأمريكية تبدأ الانسحاب', published: '2025-08-21' },
    { source: 'Third Outlet', url: null, title: null, published: null },
  ],
};

/** Markup that would show as tags in a terminal. */
const TAG = /<\/?[a-z!][^>]*>/i;

describe('composeAlertEmail: an Arabic alert', () => {
  const msg = composeAlertEmail(alert(), EXTRA);

  it('is right-to-left Arabic, with the subject in Arabic', () => {
    expect(msg.html).toContain('<html lang="ar" dir="rtl">');
    expect(msg.html).toContain('<section lang="ar" dir="rtl"');
    expect(msg.subject).toBe('إخلاء قاعدة عين الأسد من القوات الأمريكية وقوات التحالف — بدء انسحاب القوات الأمريكية من عين الأسد');
    expect(msg.html).toContain('الموعد المحدد: <time datetime="2025-09-15">2025-09-15</time>');
  });

  it('highlights exactly the matched spans of the evidence sentence', () => {
    expect(msg.html).toContain('القوات الأمريكية بدأت <mark>الانسحاب</mark> من قاعدة <mark>عين الأسد</mark> في الأنبار');
    expect(msg.html.match(/<mark>/g)).toHaveLength(2);
    expect(msg.text).toContain('> وقال مسؤول عسكري عراقي إن القوات الأمريكية بدأت **الانسحاب** من قاعدة **عين الأسد** في الأنبار');
  });

  it('links the article and the reprints that have a URL', () => {
    expect(msg.html).toContain('<a href="https://news.example/ar/2025/08/ain-al-asad">بدء انسحاب القوات الأمريكية من عين الأسد</a>');
    expect(msg.html).toContain('نشرته أيضاً');
    expect(msg.html).toContain('<a href="https://other.example/story/77">صحيفة أخرى: القوات الأمريكية تبدأ الانسحاب</a> · 2025-08-21');
    expect(msg.html).toContain('<li>Third Outlet</li>');
  });

  it('has a plain-text part readable in a terminal', () => {
    expect(msg.text).not.toMatch(TAG);
    expect(msg.text).not.toMatch(/&#?\w+;/);
    expect(msg.text.split('\n')).toEqual([
      'إخلاء قاعدة عين الأسد من القوات الأمريكية وقوات التحالف',
      'الموعد المحدد: 2025-09-15',
      'ما يقوله الخبر: بدأ (قيادة العمليات المشتركة)',
      'تقييم الموعد: مجدول → بدأ. بدأ: بحسب وسيلة إعلام واحدة',
      '',
      'بدء انسحاب القوات الأمريكية من عين الأسد',
      'وكالة المثال · 2025-08-21',
      'https://news.example/ar/2025/08/ain-al-asad',
      '',
      'ما ورد في الخبر:',
      `> ${AR_SENTENCE.replace('الانسحاب', '**الانسحاب**').replace('عين الأسد', '**عين الأسد**')}`,
      '',
      'نشرته أيضاً:',
      '- صحيفة أخرى · القوات الأمريكية تبدأ الانسحاب · 2025-08-21',
      '  https://other.example/story/77',
      '- Third Outlet',
      '',
      '-- ',
      'رسالة آلية من مرصد، لأنك مشترك في تنبيهات الانسحاب.',
      'إلغاء الاشتراك: https://marsad.example/unsubscribe/tok_abc123',
      '',
    ]);
  });

  it('carries the list, auto-submitted and Message-ID headers', () => {
    expect(msg.headers).toEqual({
      'List-Unsubscribe': '<https://marsad.example/unsubscribe/tok_abc123>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
    });
    expect(msg.messageId).toBe('<dl-0123456789abcdef@marsad.example>');
    expect(msg).toMatchObject({ from: EXTRA.from, to: EXTRA.to });
  });
});

describe('composeAlertEmail: other languages', () => {
  it('an English alert is left-to-right English', () => {
    const msg = composeAlertEmail(englishAlert(), { ...EXTRA, alsoReportedBy: [] });
    expect(msg.html).toContain('<html lang="en" dir="ltr">');
    expect(msg.html).toContain('<section lang="en" dir="ltr"');
    expect(msg.subject).toBe('US and coalition forces vacate Ain al-Asad Air Base — Coalition to leave Ain al-Asad by mid-September');
    expect(msg.html).toContain('that coalition troops would <mark>leave</mark> <mark>Ain al-Asad</mark> by mid-September.');
    expect(msg.text).toContain('Due: 2025-09-15');
    expect(msg.text).not.toContain('Also reported by');
    expect(msg.html).not.toContain('Also reported by');
  });

  it('an article of unknown language gets English labels and lets the client pick the direction', () => {
    const msg = composeAlertEmail(alert({ language: 'und', title: null }), { ...EXTRA, alsoReportedBy: [] });
    expect(msg.html).toContain('<html lang="en" dir="ltr">');
    expect(msg.html).toContain('<section dir="auto"');
    expect(msg.subject).toBe('US and coalition forces vacate Ain al-Asad Air Base — وكالة المثال');
    expect(msg.text).toContain('Untitled article');
  });
});

describe('composeAlertEmail: untrusted article content', () => {
  it('escapes markup and keeps non-http links inert', () => {
    const sentence = 'He wrote <b>"leave"</b> & left.';
    const text = `Intro. ${sentence}`;
    const msg = composeAlertEmail(
      alert({
        language: 'en',
        title: '<script>alert("x")</script> & co',
        source: `O'Brien "News"`,
        url: 'javascript:alert(1)',
        evidence: [evidence(text, sentence, ['leave'])],
      }),
      { ...EXTRA, alsoReportedBy: [{ source: '<img src=x onerror=alert(1)>', url: 'data:text/html,hi', title: null, published: null }] },
    );
    expect(msg.html).not.toMatch(/<script|<img|<b>|javascript:|data:text/i);
    expect(msg.html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; co');
    expect(msg.html).toContain('O&#39;Brien &#34;News&#34;');
    expect(msg.html).toContain('He wrote &#60;b&#62;&#34;<mark>leave</mark>&#34;&#60;/b&#62; &#38; left.');
    expect(msg.html).toContain('<li>&#60;img src=x onerror=alert(1)&#62;</li>');
    expect(msg.text).not.toContain('javascript:');
  });

  it('a title with CR/LF cannot add a header line, nor control characters reach a terminal', () => {
    const msg = composeAlertEmail(
      alert({ title: 'Withdrawal\r\nBcc: victim@example.org\r\n\r\nbody\u2028 \u202Eevil\u001b[31m', language: 'en' }),
      EXTRA,
    );
    expect(msg.subject).toBe('US and coalition forces vacate Ain al-Asad Air Base — Withdrawal Bcc: victim@example.org body evil [31m');
    expect(msg.subject).not.toMatch(/[\u0000-\u001f\u2028\u202e]/);
    expect(msg.text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(msg.html).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
  });

  it('cuts a very long subject', () => {
    const msg = composeAlertEmail(alert({ title: 'ع'.repeat(500) }), EXTRA);
    expect([...msg.subject]).toHaveLength(200);
    expect(msg.subject.endsWith('…')).toBe(true);
  });
});

describe('headers', () => {
  it('adds a mailto target; one-click only for an https target (RFC 8058)', () => {
    const msg = composeAlertEmail(alert(), {
      ...EXTRA,
      unsubscribeUrl: 'http://127.0.0.1:8080/unsubscribe/tok',
      unsubscribeMailto: 'mailto:unsubscribe@marsad.example?subject=tok',
    });
    expect(msg.headers['List-Unsubscribe']).toBe('<http://127.0.0.1:8080/unsubscribe/tok>, <mailto:unsubscribe@marsad.example?subject=tok>');
    expect(msg.headers['List-Unsubscribe-Post']).toBeUndefined();
  });

  it.each([
    ['a URL with a line break', { unsubscribeUrl: 'https://m.example/u/t\r\nBcc: x@y' }],
    ['a mailto with a space', { unsubscribeMailto: 'mailto:a@b.example?subject=a b' }],
    ['a Message-ID without a domain', { messageId: 'dl-123' }],
    ['a Message-ID with a line break', { messageId: '<dl-1@m.example>\r\nBcc: x@y' }],
  ])('refuses %s', (_name, change) => {
    expect(() => composeAlertEmail(alert(), { ...EXTRA, ...change })).toThrow();
  });

  it('gives a delivery a Message-ID on the sender domain', () => {
    expect(deliveryMessageId('dl-0123456789abcdef', 'marsad <alerts@marsad.example>')).toBe('<dl-0123456789abcdef@marsad.example>');
    expect(deliveryMessageId('dl-0123456789abcdef', 'alerts@marsad.example')).toBe('<dl-0123456789abcdef@marsad.example>');
    expect(composeAlertEmail(alert(), { ...EXTRA, messageId: 'dl-1@marsad.example' }).messageId).toBe('<dl-1@marsad.example>');
  });
});

describe('evidenceSegments', () => {
  const text = 'forces will leave the air base soon';
  const ev = (matches: [number, number][], offset = 100): Evidence => ({
    text,
    start: offset,
    end: offset + text.length,
    matches: matches.map(([s, e]) => ({ start: s + offset, end: e + offset, text: text.slice(s, e), term: 'x' })),
  });
  const render = (e: Evidence): string => evidenceSegments(e).map((s) => (s.marked ? `[${s.text}]` : s.text)).join('');

  it.each<[string, Evidence, string]>([
    ['no match', ev([]), text],
    ['one match', ev([[12, 17]]), 'forces will [leave] the air base soon'],
    ['at both ends', ev([[0, 6], [31, 35]]), '[forces] will leave the air base [soon]'],
    ['out of order', ev([[22, 30], [12, 17]]), 'forces will [leave] the [air base] soon'],
    ['overlapping, merged', ev([[22, 30], [26, 30], [18, 26]]), 'forces will leave [the air base] soon'],
    ['adjacent, merged', ev([[12, 17], [17, 18]]), 'forces will [leave ]the air base soon'],
    ['sentence at the start of the article', ev([[12, 17]], 0), 'forces will [leave] the air base soon'],
  ])('%s', (_name, e, expected) => {
    expect(render(e)).toBe(expected);
  });

  it('ignores a match outside the sentence or not pointing at its own text', () => {
    const e = ev([[12, 17]]);
    e.matches.push({ start: 90, end: 95, text: 'xxxxx', term: 'x' }, { start: 100 + 34, end: 100 + 40, text: 'n', term: 'x' });
    e.matches.push({ start: 100 + 18, end: 100 + 21, text: 'air', term: 'x' });
    expect(render(e)).toBe('forces will [leave] the air base soon');
  });
});

describe('composeDigestEmail', () => {
  const window = { from: '2025-08-21T00:00:00Z', to: '2025-08-22T00:00:00Z' };
  const extra: DigestEmailExtra = { ...EXTRA, alsoReportedBy: { 'al-00000000000000a1': EXTRA.alsoReportedBy } };

  it('mixes languages: an English page, each alert block with its own lang and dir, in the order given', () => {
    const msg = composeDigestEmail([alert(), englishAlert()], window, extra);
    expect(msg.html).toContain('<html lang="en" dir="ltr">');
    const sections = [...msg.html.matchAll(/<section ([^>]*?) style/g)].map((m) => m[1]);
    expect(sections).toEqual(['lang="ar" dir="rtl"', 'lang="en" dir="ltr"']);
    expect(msg.html.indexOf('عين الأسد</mark>')).toBeLessThan(msg.html.indexOf('<mark>Ain al-Asad</mark>'));
    expect(msg.subject).toBe('marsad digest (2): 2025-08-21 00:00 UTC – 2025-08-22 00:00 UTC');
    // Reprints go with their own alert only.
    expect(msg.html.match(/other\.example/g)).toHaveLength(1);
    expect(msg.text).toContain('الموعد المحدد: 2025-09-15');
    expect(msg.text).toContain('Due: 2025-09-15');
    expect(msg.text).toContain('* * *');
    expect(msg.text).not.toMatch(TAG);
    expect(msg.headers['List-Unsubscribe']).toBe('<https://marsad.example/unsubscribe/tok_abc123>');
  });

  it('an all-Arabic digest is an Arabic page', () => {
    const msg = composeDigestEmail([alert(), alert({ id: 'al-00000000000000a3', title: 'خبر ثان' })], window, extra);
    expect(msg.html).toContain('<html lang="ar" dir="rtl">');
    expect(msg.subject).toBe('ملخص مرصد (2): 2025-08-21 00:00 UTC – 2025-08-22 00:00 UTC');
  });

  it('refuses an empty digest', () => {
    expect(() => composeDigestEmail([], window, extra)).toThrow(/at least one/);
  });
});
