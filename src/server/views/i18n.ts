// The dashboard's interface language: English or Arabic, chosen with `?lang=` and remembered in a cookie.
// Only the interface is translated; reporting is shown in the language it was written in.

export const LANGS = ['en', 'ar'] as const;
export type Lang = (typeof LANGS)[number];

export const LANG_COOKIE = 'marsad_lang';

export function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'ar';
}

/** `dir` of the page for an interface language. */
export function dirOf(lang: Lang): 'rtl' | 'ltr' {
  return lang === 'ar' ? 'rtl' : 'ltr';
}

const WORDS = {
  overview: ['Overview', 'نظرة عامة'],
  milestones: ['Milestones', 'المحطات'],
  health: ['Queues and feeds', 'الطوابير والمصادر'],
  queues: ['Queues', 'الطوابير'],
  feeds: ['Feeds', 'المصادر'],
  alerts: ['Alerts', 'التنبيهات'],
  deliveries: ['Deliveries', 'الإرسال'],
  articles: ['Articles', 'المقالات'],
  recentAlerts: ['Recent alerts', 'أحدث التنبيهات'],
  latestArticles: ['Latest articles', 'أحدث المقالات'],
  bullBoard: ['Jobs (bull-board)', 'المهام (bull-board)'],
  language: ['العربية', 'English'],
  generated: ['generated', 'أُنشئت'],
  live: ['live', 'مباشر'],
  connecting: ['live updates: connecting…', 'التحديث المباشر: جارٍ الاتصال…'],
  reconnecting: ['live updates: reconnecting…', 'التحديث المباشر: إعادة الاتصال…'],
  due: ['due', 'الموعد'],
  pastDue: ['past due', 'تجاوز الموعد'],
  notYetDue: ['not yet due', 'لم يحن الموعد'],
  daysLeft: ['days left', 'يومًا متبقية'],
  daysLate: ['days late', 'يومًا من التأخير'],
  latestReports: ['Latest reports', 'أحدث التقارير'],
  noReports: ['no reports yet', 'لا تقارير بعد'],
  reportsPerDay: ['reports per day, last 90 days', 'التقارير يوميًا، آخر 90 يومًا'],
  reports7: ['reports, 7 days', 'التقارير، 7 أيام'],
  noDatedReports: ['no dated reports in these 90 days', 'لا تقارير مؤرخة في هذه الأيام التسعين'],
  details: ['details', 'التفاصيل'],
  articlesOf: ['articles', 'المقالات'],
  queue: ['queue', 'الطابور'],
  waiting: ['waiting', 'منتظرة'],
  active: ['active', 'قيد التنفيذ'],
  delayed: ['delayed', 'مؤجلة'],
  completed: ['completed', 'منجزة'],
  failed: ['failed', 'فاشلة'],
  workers: ['workers', 'العمّال'],
  throughput: ['done per minute, last hour', 'المنجز في الدقيقة، آخر ساعة'],
  waitingHour: ['waiting, last hour', 'المنتظرة، آخر ساعة'],
  failedHour: ['failed, last hour', 'الفاشلة، آخر ساعة'],
  done1560: ['done 1/15/60 min', 'المنجز 1/15/60 د'],
  prioritized: ['prioritized', 'ذات أولوية'],
  oldestWaiting: ['oldest waiting', 'أقدم منتظرة'],
  noWorker: ['no worker', 'بلا عامل'],
  feed: ['feed', 'المصدر'],
  state: ['state', 'الحالة'],
  lastSuccess: ['last success', 'آخر نجاح'],
  nextPoll: ['next poll', 'الاستطلاع التالي'],
  failures: ['failures', 'الإخفاقات'],
  itemsSeen: ['items seen', 'العناصر'],
  lastError: ['last error', 'آخر خطأ'],
  feedOk: ['ok', 'يعمل'],
  feedFailing: ['failing', 'متعطل'],
  feedStale: ['stale', 'راكد'],
  feedNever: ['never polled', 'لم يُستطلع'],
  unverified: ['unverified', 'غير متحقق'],
  inARow: ['in a row', 'متتالية'],
  noFeeds: ['no feeds in feeds.yaml', 'لا مصادر في feeds.yaml'],
  created: ['created', 'أُنشئ'],
  milestone: ['milestone', 'المحطة'],
  articleAndEvidence: ['article and evidence', 'المقال والدليل'],
  delivery: ['delivery', 'الإرسال'],
  noAlerts: ['no alerts yet', 'لا تنبيهات بعد'],
  updated: ['updated', 'حُدّث'],
  to: ['to', 'إلى'],
  carries: ['carries', 'يحمل'],
  status: ['status', 'الحالة'],
  attempts: ['attempts', 'المحاولات'],
  noDeliveries: ['no deliveries', 'لا إرسال'],
  published: ['published', 'النشر'],
  title: ['title', 'العنوان'],
  outlet: ['outlet', 'الوسيلة'],
  lang: ['lang', 'اللغة'],
  bases: ['bases', 'القواعد'],
  topics: ['topics', 'المواضيع'],
  filter: ['filter', 'تصفية'],
  clear: ['clear', 'مسح'],
  any: ['any', 'الكل'],
  noArticles: ['no articles match', 'لا مقالات مطابقة'],
  page: ['page', 'صفحة'],
  previous: ['previous', 'السابق'],
  next: ['next', 'التالي'],
  all: ['all', 'الكل'],
  legend: ['Highlights', 'التظليل'],
  legendBase: ['base', 'قاعدة'],
  legendTopic: ['topic', 'موضوع'],
  legendMilestone: ['milestone', 'محطة'],
  legendStatus: ['Status from the reporting', 'الحالة بحسب التغطية'],
  totals: ['articles', 'مقالات'],
  undated: ['undated', 'بلا تاريخ'],
  queueNote: [
    'Done per minute comes from BullMQ metrics; waiting and failed are sampled each minute by the dashboard.',
    'المنجز في الدقيقة من مقاييس BullMQ؛ المنتظرة والفاشلة تُسجَّل كل دقيقة من لوحة التحكم.',
  ],
  doneMin: ['done/min', 'منجز/د'],
  baselineNotDelivered: ['baseline: not delivered', 'أساسي: لم يُرسل'],
  baseline: ['baseline', 'أساسي'],
  newAlert: ['new', 'جديد'],
  duplicates: ['duplicates', 'مكررة'],
  // The article, milestone and story pages.
  none: ['none', 'لا شيء'],
  unknown: ['unknown', 'غير معروف'],
  outletUnknown: ['outlet unknown', 'وسيلة غير معروفة'],
  noHeadlineInText: ['(no headline in the text)', '(لا عنوان في النص)'],
  noHeadline: ['(no headline)', '(بلا عنوان)'],
  publishedOn: ['published', 'نُشر'],
  firstSeen: ['first seen', 'رُصد أول مرة'],
  original: ['original', 'الأصل'],
  source: ['source', 'المصدر'],
  story: ['story', 'القصة'],
  storyHeading: ['Story', 'القصة'],
  basesHeading: ['Bases', 'القواعد'],
  topicsHeading: ['Topics', 'المواضيع'],
  alsoReportedBy: ['Also reported by', 'نشرته أيضاً'],
  noOtherOutlet: ['no other outlet so far', 'لا وسيلة أخرى حتى الآن'],
  cleanerWarnings: ['cleaner warnings', 'تحذيرات التنظيف'],
  reprintOfArticle: ['Reprint ({0}, similarity {1}) of', 'إعادة نشر ({0}، التشابه {1}) للمقال'],
  hedged: ['hedged', 'بتحفّظ'],
  history: ['history', 'تاريخي'],
  historyOnly: ['history only', 'تاريخي فقط'],
  background: ['background', 'خلفية'],
  historyTitle: ["about an event before the milestone's window: shown, never counted", 'عن حدث قبل نافذة المحطة: يُعرض ولا يُحسب'],
  backgroundTitle: ['restates the agreement: not news', 'يكرر الاتفاق: ليس خبرًا'],
  onlyRestates: ['only restates the agreement', 'يكرر الاتفاق فقط'],
  hedgedTitle: ['hedged: unnamed sources, “reportedly”, “expected”', 'بتحفّظ: مصادر غير مسماة، «بحسب التقارير»، «من المتوقع»'],
  event: ['event', 'الحدث'],
  target: ['target', 'المستهدف'],
  cues: ['cues', 'المؤشرات'],
  unattributed: ['unattributed', 'غير منسوب'],
  timeline: ['Timeline', 'الخط الزمني'],
  reportsHeading: ['Reports', 'التقارير'],
  report: ['report', 'التقرير'],
  stance: ['stance', 'الموقف'],
  attribution: ['attribution', 'النسبة'],
  evidence: ['evidence', 'الدليل'],
  article: ['article', 'المقال'],
  reprint: ['reprint', 'إعادة نشر'],
  reprintOf: ['reprint of', 'إعادة نشر لـ'],
  reprintedBy: ['reprinted by', 'أعاد نشره'],
  sameEventAs: ['same event as', 'الحدث نفسه مثل'],
  because: ['because', 'لأن'],
  noReportsInWindow: ['no reports in the window yet', 'لا تقارير في النافذة بعد'],
  newestOf: ['showing the newest {0} of {1} reports (the assessment counts them all); every report:', 'تُعرض أحدث {0} من {1} تقريرًا (التقييم يحسبها كلها)؛ كل التقارير:'],
  today: ['today', 'اليوم'],
  from: ['from', 'من'],
  timelineCaption: ['{0} from {1} to {2}; due {3}', '{0}، من {1} إلى {2}؛ الموعد {3}'],
  window: ['window', 'النافذة'],
  windowText: ['reports from {0} count; earlier events are history', 'تُحسب التقارير منذ {0}؛ الأحداث الأسبق تاريخ'],
  since: ['since', 'منذ'],
  firstBy: ['first by', 'أولًا من'],
  sources: ['sources', 'المصادر'],
  contradictions: ['contradictions', 'التناقضات'],
  contradiction: ['contradiction', 'تناقض'],
  against: ['against', 'مقابل'],
  by: ['by', 'من'],
  reports: ['reports', 'التقارير'],
  aboutEarlier: ['about earlier events (not shown)', 'عن أحداث أسبق (غير معروضة)'],
  itsArticles: ['its articles', 'مقالاتها'],
  firstReport: ['first report', 'أول تقرير'],
  latestReport: ['latest report', 'آخر تقرير'],
  languages: ['languages', 'اللغات'],
  outlets: ['outlets', 'الوسائل'],
  milestonesLower: ['milestones', 'المحطات'],
  also: ['also', 'أيضًا'],
  arabicColumn: ['Arabic', 'بالعربية'],
  englishColumn: ['English', 'بالإنجليزية'],
  languageUnknown: ['Language unknown', 'لغة غير معروفة'],
  noReportInLanguage: ['no report in this language', 'لا تقرير بهذه اللغة'],
} as const satisfies Record<string, readonly [string, string]>;

export type Word = keyof typeof WORDS;

/** Stance and status names in Arabic (English uses the ids themselves). */
const STATUS_AR: Record<string, string> = {
  scheduled: 'مجدول',
  started: 'بدأ',
  completed: 'اكتمل',
  delayed: 'متأخر',
  denied: 'نُفي',
  unclear: 'غير واضح',
  unreported: 'لا تقارير',
};

/** A stance's or status's name in the interface language. */
export function statusName(lang: Lang, status: string): string {
  return lang === 'ar' ? (STATUS_AR[status] ?? status) : status;
}

/** The word in the interface language, with `{0}`, `{1}`… filled in (plain text: escape it where it goes into markup). */
export function t(lang: Lang, word: Word, ...values: readonly (string | number)[]): string {
  return WORDS[word][lang === 'ar' ? 1 : 0].replace(/\{(\d)\}/g, (_, i: string) => String(values[Number(i)] ?? ''));
}

/** Nouns counted on the pages: "3 reports" in English, "التقارير: 3" in Arabic (no Arabic plural forms). */
const COUNTED = {
  report: ['report', 'reports', 'التقارير'],
  mention: ['mention', 'mentions', 'الإشارات'],
} as const satisfies Record<string, readonly [string, string, string]>;

export function counted(lang: Lang, n: number, noun: keyof typeof COUNTED): string {
  const [one, many, ar] = COUNTED[noun];
  return lang === 'ar' ? `${ar}: ${n}` : `${n} ${n === 1 ? one : many}`;
}
