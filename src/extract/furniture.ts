// Line-level rules for site furniture in news pages: logos, widget lines, captions, related-story markers,
// footers, bylines and datelines. Each rule looks at one line's shape (a marker phrase, length, final
// punctuation); where a line sits (above the headline, after a marker) is decided in text-document.ts.
// Phrases are compared after `normalizeText`, so hamza, alef maqsura, ta marbuta and tanween spellings agree.

import { normalizeText } from '../text/arabic.js';
import { findDates, parseDate, type DateMatch } from '../text/dates.js';

export type FurnitureRule =
  | 'ticker'
  | 'logo'
  | 'section-label'
  | 'breaking'
  | 'caption'
  | 'related'
  | 'read-also'
  | 'latest-news'
  | 'copyright'
  | 'social'
  | 'reading-progress'
  | 'email'
  | 'author-label'
  | 'byline'
  | 'dateline';

/** No furniture line is longer: this spares article paragraphs the phrase tests. */
const MAX_FURNITURE_WORDS = 25;
/** Marker lines ("أخبار ذات علاقة", "الأكثر قراءة", "الكاتب") are a few words. */
const MAX_MARKER_WORDS = 5;

/** Normalized, single-spaced form of a line for phrase comparison. */
function lineKey(text: string): string {
  return normalizeText(text).replace(/\s+/g, ' ').trim();
}

/**
 * The key without trailing colons, dots, ellipses or dashes: "أخبار ذات علاقة:" and "شاهد أيضاً..." are markers
 * too. Lines too long to be a marker get '' (which matches no marker).
 */
function markerKey(text: string): string {
  if (wordCount(text) > MAX_MARKER_WORDS) return '';
  return lineKey(text).replace(/[\s:：.…\-–—|]+$/u, '');
}

export function wordCount(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

const SENTENCE_END = /[.!?؟…:؛]["'»”’)\]]*$/u;

/** Ends like a sentence (or a lead-in to a quote or list); headlines and list items do not. */
export function endsSentence(text: string): boolean {
  return SENTENCE_END.test(text.trim());
}

const STATEMENT_END = /[.!…]["'»”’)\]]*$/u;
/** A real body paragraph. Question marks do not count: headlines are often questions. */
export function isBodyParagraph(text: string): boolean {
  const words = wordCount(text);
  return words >= 20 || (words >= 10 && STATEMENT_END.test(text.trim()));
}

/** A teaser cut off with an ellipsis ("… عن …"), as related-story widgets print them. */
export function isTruncatedTeaser(text: string): boolean {
  return /(?:…|\.\.\.)\s*$/u.test(text);
}

/** Longest line that can be a related-story headline or an image alt text under a marker. */
const MAX_LIST_ITEM_WORDS = 20;
export function isListItem(text: string): boolean {
  return wordCount(text) <= MAX_LIST_ITEM_WORDS && !endsSentence(text);
}

const LOGO = new Set(['logo', 'site logo', 'شعار', 'الشعار', 'لوجو']);
const READING_PROGRESS = /^\d{1,3}\s*[%٪]\s*(?:\.{2,}|…)?$/u;
const BREAKING = /^(?:عاجل|breaking(?: news)?)(?:\s*[:：\-–|]|$)/u;
const COPYRIGHT = /جميع الحقوق محفوظه|حقوق النشر محفوظه|all rights reserved|©|\(c\) ?\d{4}|^copyright\b/u;
const SOCIAL = /^(?:تابعونا|تابعنا|follow us)(?:\s|:|$)|^(?:شارك|شارك المقال|مشاركه|share|share this)$/u;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gu;
const MARKDOWN_MAILTO = /\[[^\]]*\]\(mailto:[^)]*\)/gu;
/** "صورة:"/"المصدر:" credits; the credit itself is a few words ("المصدر: الجيش الأمريكي"). */
const CREDIT = /(?:المصدر|مصدر الصوره|حقوق الصوره|الصوره|صوره|تصوير|photo|image|picture|source|credit)\s*[:：]\s*(?<credit>[^:：]+)$/u;
const AGENCY_CREDIT =
  /(?:\((?:رويترز|ا\.? ?ف\.? ?ب\.?|فرانس برس|الاناضول|اسوشيتد برس|ارشيفيه|صوره ارشيفيه|reuters|afp|ap|getty images|getty|epa|anadolu)\)|صوره ارشيفيه|getty images)$/u;
const MAX_CAPTION_WORDS = 20;
const MAX_CREDIT_WORDS = 5;
/** "إقرأ أيضا..." and its kin; with a headline after it on the same line it is an inline link. */
const READ_ALSO = /^(?:(?:اقرا|اقراء|طالع|شاهد)\s*(?:ايضا|كذلك|المزيد)|read (?:also|more)|see also)(?=$|[\s.:：…\-–])/u;
const RELATED_MARKERS = new Set([
  'اخبار ذات علاقه',
  'اخبار ذات صله',
  'مواضيع ذات صله',
  'مقالات ذات صله',
  'ذات صله',
  'اخبار متعلقه',
  'مواضيع متعلقه',
  'قد يهمك',
  'قد يعجبك ايضا',
  'related',
  'related articles',
  'related stories',
  'related news',
  'you may also like',
]);
/** Lists that follow the article (latest, most read, tags, comments): the article is over. Compared without spaces. */
const TAIL_MARKERS = new Set(
  [
    'اخر الاخبار',
    'احدث الاخبار',
    'الاكثر قراءه',
    'الاكثر مشاهده',
    'الاكثر تداولا',
    'الاكثر شعبيه',
    'الوسوم',
    'كلمات مفتاحيه',
    'كلمات دلاليه',
    'التعليقات',
    'latest news',
    'most read',
    'most popular',
    'tags',
    'comments',
  ].map((m) => m.replace(/ /g, '')),
);
const AUTHOR_LABELS = new Set(['الكاتب', 'الكاتبه', 'بقلم', 'كتب', 'كتبت', 'كتبه', 'اعداد', 'المحرر', 'by', 'author', 'written by']);
/**
 * A byline label followed by the name on the same line; tested on the original text, which keeps the name's
 * spelling. "كتب"/"إعداد" are also nouns (books, preparation), so they count only with a colon or dash.
 */
const BYLINE_PREFIX =
  /^(?:(?:بقلم|written by|by)(?=[\s:：\-–])\s*[:：\-–]?|(?:كتب(?:ت|ه)?|[إا]عداد)\s*[:：\-–]|تقرير(?:\s+صحفي)?\s+(?:من|لـ?))\s*(?=\S)/iu;
const MAX_NAME_WORDS = 8;
const HONORIFIC = /^(?:د|دكتور|الدكتور|ا|استاذ|الاستاذ|الشيخ|dr|prof|mr|mrs|ms)\.?\s+/u;

/**
 * The rule that marks `text` as furniture wherever it appears, or null. Position-dependent furniture
 * (tickers, section labels, related lists, bylines) is decided by the caller.
 */
export function furnitureRule(text: string): FurnitureRule | null {
  if (wordCount(text) > MAX_FURNITURE_WORDS) return null;
  const key = lineKey(text);
  if (LOGO.has(markerKey(text))) return 'logo';
  if (READING_PROGRESS.test(key)) return 'reading-progress';
  if (BREAKING.test(key)) return 'breaking';
  if (SOCIAL.test(key) && wordCount(key) <= 8 && !endsSentence(key)) return 'social';
  if (isEmailLine(text)) return 'email';
  if (isCaption(key)) return 'caption';
  if (COPYRIGHT.test(key)) return 'copyright';
  if (READ_ALSO.test(key) && !isRelatedMarker(text)) return 'read-also';
  return null;
}

function isEmailLine(text: string): boolean {
  if (!text.includes('@') && !text.includes('mailto:')) return false;
  const rest = text.replace(MARKDOWN_MAILTO, ' ').replace(EMAIL, ' ');
  return rest !== text && wordCount(rest.replace(/[[\]():：|,،\-–]/g, ' ')) <= 3;
}

function isCaption(key: string): boolean {
  if (endsSentence(key) || wordCount(key) > MAX_CAPTION_WORDS) return false;
  const credit = CREDIT.exec(key)?.groups?.credit;
  if (credit !== undefined) return wordCount(credit) <= MAX_CREDIT_WORDS;
  return AGENCY_CREDIT.test(key);
}

/** A marker line that introduces links to other stories ("أخبار ذات علاقة", "شاهد أيضاً"). */
export function isRelatedMarker(text: string): boolean {
  const key = markerKey(text);
  return RELATED_MARKERS.has(key) || (READ_ALSO.test(key) && key.replace(READ_ALSO, '').trim() === '');
}

/** A marker line after which nothing belongs to the article: latest-news lists, tags, comments. */
export function isTailMarker(text: string): boolean {
  return TAIL_MARKERS.has(markerKey(text).replace(/ /g, ''));
}

/** "الكاتب" / "By" alone on a line: the name follows on the next line. */
export function isAuthorLabel(text: string): boolean {
  return AUTHOR_LABELS.has(markerKey(text));
}

/** The name in "بقلم: …", "By …", "تقرير صحفي من …", or null. */
export function bylineFromLabeledLine(text: string): string | null {
  const m = BYLINE_PREFIX.exec(text);
  if (m === null) return null;
  const name = text.slice(m[0].length).trim();
  return looksLikeName(name) ? name : null;
}

/** Short, no sentence punctuation, no digits: a name (or a desk) rather than a sentence. */
export function looksLikeName(text: string): boolean {
  const words = wordCount(text);
  return words >= 1 && words <= MAX_NAME_WORDS && !endsSentence(text) && !/\d/.test(lineKey(text));
}

/** The same author with or without an honorific: "د. محمد السعيد إدريس" repeats "محمد السعيد إدريس". */
export function isSameAuthor(text: string, byline: string): boolean {
  const a = lineKey(text).replace(HONORIFIC, '');
  const b = lineKey(byline).replace(HONORIFIC, '');
  return a === b;
}

const DATE_LABEL =
  /^(?:date|published|posted|updated|last updated|تاريخ النشر|تاريخ|نشر في|نشر بتاريخ|نشر|بتاريخ|اخر تحديث|تحديث)\s*[:：\-–|]?\s*$/u;
const TIME_ONLY = /^(?:الساعه\s*)?\d{1,2}:\d{2}(?!\d)/u;

export interface Dateline {
  date: DateMatch;
  /** What follows a labelled date on the same line ("date 2025-08-23 كشف مصدر…"); '' for a date-only line. */
  rest: string;
}

/** A line that is a date (optionally with a time), or a labelled date in front of text; else null. */
export function splitDateline(text: string): Dateline | null {
  const whole = parseDate(text);
  if (whole !== null) return { date: whole, rest: '' };
  const first = findDates(text)[0];
  if (first === undefined || !DATE_LABEL.test(lineKey(text.slice(0, first.start)))) return null;
  return { date: first, rest: text.slice(first.end).replace(/^[\s:：\-–|,،]+/u, '') };
}

/** A time on its own line ("٠٨:٣١ بتوقيت غرينتش"), the second half of a split dateline. */
export function isTimeOnly(text: string): boolean {
  return TIME_ONLY.test(lineKey(text)) && wordCount(text) <= 5;
}
