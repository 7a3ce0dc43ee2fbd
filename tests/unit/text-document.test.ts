import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bylineFromLabeledLine, furnitureRule, isRelatedMarker, isTailMarker } from '../../src/extract/furniture.js';
import { cleanBlocks, extractTextDocument, textBlocks } from '../../src/extract/text-document.js';

const SEEDS = fileURLToPath(new URL('../../seeds/', import.meta.url));
const readSeed = (file: string) => readFileSync(SEEDS + file, 'utf8');
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

interface SeedCase {
  file: string;
  title: string | null;
  byline: string | null;
  published: string | null;
  paragraphs: number;
  first: string;
  last: string;
  rules: string[];
}

const SEED_CASES: SeedCase[] = [
  {
    file: '000_73aa3ffceb0c4087.txt',
    title: null,
    byline: null,
    published: '2025-08-23',
    paragraphs: 23,
    first: 'كشف مصدر سياسي رفيع عن وجود خلافات',
    last: 'يجعل من الصعب التوصل إلى صيغة متوازنة".',
    rules: ['dateline'],
  },
  {
    file: '001_0610cea943b786cc.txt',
    title: 'بين نهاية المهمة وإعادة التشكيل.. الغموض يلف مصير التحالف الدولي بالعراق',
    byline: null,
    published: null,
    paragraphs: 22,
    first: 'مع قرب انتهاء شهر سبتمبر/ أيلول 2025',
    last: 'رغبة واشنطن بترتيب الوضع الأمني الداخلي قبل الانسحاب بشكل كامل.',
    rules: ['ticker', 'logo', 'section-label', 'caption', 'related', 'social', 'copyright'],
  },
  {
    file: '002_9f96feed59079881.txt',
    title: 'هواجس الانقلاب تُربك الميليشيات مع اقتراب الانسحاب الأمريكي',
    byline: 'فريق الرصد – Emirates Policy Center',
    published: '2025-10-15',
    paragraphs: 17,
    first: 'بغداد – مع اقتراب موعد الانسحاب الأمريكي',
    last: 'يواجه اختبارًا لمعنى الشراكة وأمن السيادة.',
    rules: ['dateline', 'byline', 'related'],
  },
  {
    file: '003_acef2ed65af1df9d.txt',
    title: 'تعقيدات الانسحاب الأمريكي من العراق',
    byline: 'محمد السعيد إدريس',
    published: null,
    paragraphs: 7,
    first: 'المعلومات التي نشرتها مجلة «فورين بوليسي» الأمريكية (الأربعاء 24-1-2024)',
    last: 'في إطار التحالف الاستراتيجي الذي يربطهما',
    rules: ['author-label', 'byline', 'email'],
  },
  {
    file: '004_32fed4459143db96.txt',
    title: 'القوات الأمريكية تنسحب من العراق: فراغ أمني أم بداية استقرار',
    byline: null,
    published: '2025-08-21T08:31:00Z',
    paragraphs: 9,
    first: 'بدأت القوات الامريكية تنفيذ اولى خطوات انسحابها',
    last: 'أم بداية مرحلة استقرار طال انتظارها؟',
    rules: ['breaking', 'dateline', 'read-also', 'reading-progress', 'latest-news'],
  },
];

/** Furniture seen across the seeds; none of it may survive in any cleaned seed. */
const FURNITURE = [
  'logo',
  'مسيّرة تستهدف',
  'العالم العربي',
  'المصدر:',
  'أخبار ذات علاقة',
  'جندي في قاعدة',
  'مصادر عراقية تؤكد انسحاب',
  'شاهد أيضاً',
  'سلوفينيا',
  'النهرين نيوز',
  'عاجل',
  'إقرأ أيضا',
  '0% ...',
  'آخرالاخبار',
  'تمديد اتفاق وقف',
  'تحويل العقوبات',
  'تابعونا',
  'جميع الحقوق',
  'mailto',
  '@gmail',
  'الكاتب',
  'د. محمد السعيد إدريس',
  'date 2025',
  'بتوقيت غرينتش',
  'الخميس ٢١ أغسطس',
  'الأربعاء , 15',
];

describe('seed documents', () => {
  describe.each(SEED_CASES)('$file', (c) => {
    const raw = readSeed(c.file);
    const doc = extractTextDocument(raw);

    it('reads title, byline, published date and language', () => {
      expect(doc).toMatchObject({ title: c.title, byline: c.byline, published: c.published, language: 'ar' });
      expect(doc.warnings).toEqual(c.title === null ? [expect.stringContaining('no headline')] : []);
    });

    it('keeps the whole article body', () => {
      expect(doc.paragraphs).toHaveLength(c.paragraphs);
      expect(doc.paragraphs[0]!.startsWith(c.first)).toBe(true);
      expect(doc.paragraphs.at(-1)!.endsWith(c.last)).toBe(true);
      expect(doc.text).toBe(doc.paragraphs.join('\n\n'));
      // Every long line of the page is article text (the seeds' furniture lists hold only shorter lines).
      const body = collapse(doc.text);
      for (const line of raw.split('\n')) {
        const text = collapse(line).replace(/^date \S+ /, '');
        if (text.split(' ').length >= 20) expect(body).toContain(text);
      }
    });

    it('drops the furniture', () => {
      const kept = [doc.title ?? '', doc.byline ?? '', doc.text].join('\n');
      for (const s of FURNITURE) expect(kept, s).not.toContain(s);
      if (doc.title !== null) expect(doc.text).not.toContain(doc.title);
      expect(new Set(doc.removed.map((r) => r.rule))).toEqual(new Set(c.rules));
    });
  });

  it('keeps a question subheading that follows a related-stories block (001)', () => {
    const doc = extractTextDocument(readSeed('001_0610cea943b786cc.txt'));
    expect(doc.paragraphs).toContain('هل يبرم كردستان اتفاقاً خاصاً؟');
    expect(doc.paragraphs).toContain('غموض أمريكي');
  });

  it('keeps the line break inside a paragraph (004)', () => {
    const doc = extractTextDocument(readSeed('004_32fed4459143db96.txt'));
    expect(doc.paragraphs).toContainEqual(expect.stringMatching(/أسئلة مشعبة:\nهل تمضي واشنطن/));
  });

  it('never takes the published date from the body (001, 003)', () => {
    for (const file of ['001_0610cea943b786cc.txt', '003_acef2ed65af1df9d.txt']) {
      const doc = extractTextDocument(readSeed(file));
      expect(doc.published).toBeNull();
      expect(doc.text).toMatch(/2024/);
    }
  });
});

// Synthetic documents: hand-written sentences, one furniture pattern or more each.
const lines = (...ls: string[]) => ls.join('\n\n');

describe('synthetic documents', () => {
  it('drops a ticker, logo, section label, caption and a related-stories block', () => {
    const doc = extractTextDocument(
      lines(
        'قصف يطال مستودعا للذخيرة في ريف المدينة',
        'logo',
        'سياسة',
        'وزير الدفاع يزور القاعدة الجوية قبل تسليمها',
        'صورة من الأرشيف للقاعدة الجوية (أ ف ب)',
        'قال وزير الدفاع خلال زيارة قصيرة إلى القاعدة الجوية إن عملية التسليم ستكتمل خلال الأسابيع المقبلة وفق الجدول المتفق عليه.',
        'أخبار ذات علاقة',
        'طائرة نقل عسكرية على المدرج',
        'تسليم المطار العسكري إلى الجيش خلال الشهر المقبل',
        'وأضاف الوزير أن فرقا فنية ستبقى لفترة محدودة للمساعدة في تشغيل أنظمة الرادار والاتصالات.',
      ),
    );
    expect(doc.title).toBe('وزير الدفاع يزور القاعدة الجوية قبل تسليمها');
    expect(doc.paragraphs).toEqual([
      'قال وزير الدفاع خلال زيارة قصيرة إلى القاعدة الجوية إن عملية التسليم ستكتمل خلال الأسابيع المقبلة وفق الجدول المتفق عليه.',
      'وأضاف الوزير أن فرقا فنية ستبقى لفترة محدودة للمساعدة في تشغيل أنظمة الرادار والاتصالات.',
    ]);
    expect(doc.removed.map((r) => r.rule)).toEqual([
      'logo',
      'caption',
      'ticker',
      'section-label',
      'related',
      'related',
      'related',
    ]);
  });

  it('drops "اقرأ أيضاً" links, reading-progress lines and a most-read list; reads a labelled dateline', () => {
    const doc = extractTextDocument(
      lines(
        'مجلس النواب يناقش جدول خروج القوات الأجنبية',
        'نشر في: 3 مارس 2025 - 10:15 بتوقيت بغداد',
        'عقد مجلس النواب جلسة مطولة لمناقشة جدول خروج القوات الأجنبية، وطالب عدد من النواب بنشر تفاصيل الاتفاق كاملة.',
        'اقرأ أيضاً: الحكومة تعلن موعد الجولة الثانية من الحوار',
        'إقرأ المزيد... لجنة الأمن تستضيف القادة العسكريين',
        'وقال رئيس لجنة الأمن إن اللجنة ستستضيف القادة العسكريين الأسبوع المقبل للاستماع إلى تقييمهم للوضع الميداني.',
        '45% ...',
        '100٪',
        'الأكثر قراءة',
        'عنوان أول لا علاقة له بالموضوع',
        'وهذه فقرة طويلة من قائمة الأخبار الجانبية لا تنتمي إلى المقال رغم أنها تنتهي بنقطة وتبدو كأنها جملة كاملة.',
      ),
    );
    expect(doc.title).toBe('مجلس النواب يناقش جدول خروج القوات الأجنبية');
    expect(doc.published).toBe('2025-03-03T07:15:00Z');
    expect(doc.paragraphs).toHaveLength(2);
    expect(doc.paragraphs[1]).toMatch(/^وقال رئيس لجنة الأمن/);
    const rules = doc.removed.map((r) => r.rule);
    expect(rules.filter((r) => r === 'read-also')).toHaveLength(2);
    expect(rules.filter((r) => r === 'reading-progress')).toHaveLength(2);
    expect(rules.filter((r) => r === 'latest-news')).toHaveLength(3);
  });

  it('drops "شاهد أيضاً" with the other story\'s headline and cut-off teaser, and captions in the body', () => {
    const doc = extractTextDocument(
      lines(
        'الأحد 5 كانون الثاني 2025',
        'انتهاء المرحلة الأولى من إعادة تموضع القوات',
        'أنهت القوات المرحلة الأولى من إعادة التموضع، ونقلت معظم معداتها الثقيلة إلى قاعدة أخرى في الشمال.',
        'مدرعات على طريق صحراوي تصوير: مراسلنا',
        'وقال مسؤول محلي إن الحركة على الطرق المؤدية إلى القاعدة عادت إلى طبيعتها بعد أيام من الازدحام.',
        'شاهد أيضاً',
        'مهرجان للكتاب في العاصمة يستقبل آلاف الزوار',
        'المدينة – افتتح وزير الثقافة صباح اليوم معرضا واسعا يضم …',
      ),
    );
    expect(doc.title).toBe('انتهاء المرحلة الأولى من إعادة تموضع القوات');
    expect(doc.published).toBe('2025-01-05');
    expect(doc.paragraphs).toHaveLength(2);
    expect(doc.text).not.toMatch(/تصوير|مهرجان|افتتح/);
  });

  it('reads an English article', () => {
    const doc = extractTextDocument(
      lines(
        'World',
        'US troops complete handover of a western Iraq base',
        'Thursday, August 21, 2025 08:31 GMT',
        'By Jane Doe',
        'The last American soldiers left the base on Thursday, officials said, ending a presence that began two decades ago.',
        'Photo: Reuters',
        'Iraqi officers took over the control tower and the runway, according to a short statement from the defence ministry.',
        'Read more: Coalition mission to end next year',
        'Follow us on X',
        '© 2025 Example News. All rights reserved.',
      ),
    );
    expect(doc).toMatchObject({
      title: 'US troops complete handover of a western Iraq base',
      byline: 'Jane Doe',
      published: '2025-08-21T08:31:00Z',
      language: 'en',
      warnings: [],
    });
    expect(doc.paragraphs).toHaveLength(2);
    expect(doc.removed.map((r) => r.rule)).toEqual([
      'dateline',
      'byline',
      'section-label',
      'caption',
      'read-also',
      'social',
      'copyright',
    ]);
  });

  it('leaves the title null when there is no headline, and never dates from the body', () => {
    const doc = extractTextDocument(
      lines(
        'أعلنت الحكومة في 15 سبتمبر 2025 أن المفاوضات مع الجانب الأمريكي ستستأنف بعد عطلة قصيرة، دون أن تحدد مكان الجولة المقبلة.',
        'وأشار متحدث باسمها إلى أن الوفد الفني أعد ورقة عمل تتضمن جدولا زمنيا مقترحا للمراحل المتبقية.',
      ),
    );
    expect(doc.title).toBeNull();
    expect(doc.published).toBeNull();
    expect(doc.paragraphs).toHaveLength(2);
    expect(doc.warnings).toEqual(['no headline found before the first body paragraph; title left null']);
  });

  it('reads a labelled byline, drops its honorific duplicate and an email line', () => {
    const doc = extractTextDocument(
      lines(
        '## حسابات ما بعد الانسحاب',
        'بقلم: سامر الخطيب',
        'د. سامر الخطيب',
        'تبدو الحسابات السياسية بعد الانسحاب أعقد مما توقعه كثيرون، فكل طرف يقرأ الخطوة بما يناسب مصالحه ويخشى ما بعدها.',
        'للتواصل: samer.example@example.com',
      ),
    );
    expect(doc).toMatchObject({ title: 'حسابات ما بعد الانسحاب', byline: 'سامر الخطيب' });
    expect(doc.paragraphs).toHaveLength(1);
    expect(doc.removed.map((r) => r.rule)).toEqual(['byline', 'byline', 'email']);
  });

  it('reports an empty document', () => {
    const doc = extractTextDocument('logo\n\nتابعونا على');
    expect(doc).toMatchObject({ title: null, paragraphs: [], text: '', language: 'und' });
    expect(doc.warnings).toHaveLength(2);
  });
});

describe('cleanBlocks', () => {
  it('prefers a heading block over an earlier headline-like line', () => {
    const doc = cleanBlocks([
      { text: 'حريق محدود في سوق المدينة القديمة دون إصابات', kind: 'line' },
      { text: 'الحكومة تحدد موعد الجولة الأخيرة من المفاوضات', kind: 'heading' },
      { text: 'بدأ الوفدان التحضير للجولة الأخيرة من المفاوضات التي يفترض أن تحسم شكل العلاقة الأمنية بعد الانسحاب.', kind: 'paragraph' },
      { text: 'قراءة في المرحلة المقبلة', kind: 'heading' },
      { text: 'ويرى مراقبون أن نجاح الجولة مرهون بقدرة الطرفين على تجاوز الخلاف حول عدد المستشارين الباقين.', kind: 'paragraph' },
    ]);
    expect(doc.title).toBe('الحكومة تحدد موعد الجولة الأخيرة من المفاوضات');
    expect(doc.removed).toEqual([{ rule: 'ticker', text: 'حريق محدود في سوق المدينة القديمة دون إصابات' }]);
    expect(doc.paragraphs).toHaveLength(3);
    expect(doc.paragraphs[1]).toBe('قراءة في المرحلة المقبلة');
  });

  it('keeps a standfirst that follows the headline', () => {
    const doc = cleanBlocks([
      { text: 'بدء تسليم القاعدة الجوية' },
      { text: 'خطوة أولى في جدول من مرحلتين يمتد حتى العام المقبل' },
      { text: 'تسلم الجيش اليوم الجزء الأول من القاعدة الجوية بعد أشهر من التحضير، بحسب بيان رسمي صدر مساء.' },
    ]);
    expect(doc.title).toBe('بدء تسليم القاعدة الجوية');
    expect(doc.paragraphs[0]).toBe('خطوة أولى في جدول من مرحلتين يمتد حتى العام المقبل');
  });
});

describe('textBlocks', () => {
  it('splits on blank lines and gives markdown headings their own block', () => {
    expect(textBlocks('## عنوان\nسطر أول\nسطر ثان\n\n\nفقرة\r\n\r\nأخرى')).toEqual([
      { text: 'عنوان', kind: 'heading' },
      { text: 'سطر أول\nسطر ثان', kind: 'paragraph' },
      { text: 'فقرة', kind: 'paragraph' },
      { text: 'أخرى', kind: 'paragraph' },
    ]);
  });
});

describe('furniture rules', () => {
  it.each([
    ['logo', 'logo'],
    ['الشعار', 'logo'],
    ['0% ...', 'reading-progress'],
    ['٧٥٪', 'reading-progress'],
    ['عاجل:', 'breaking'],
    ['عاجل | انفجار قرب المطار', 'breaking'],
    ['تابعونا على', 'social'],
    ['Follow us on X', 'social'],
    ['[name@example.com](mailto:name@example.com)', 'email'],
    ['البريد الإلكتروني: name@example.com', 'email'],
    ['جنود على متن عربة مدرعةالمصدر: وزارة الدفاع', 'caption'],
    ['قافلة عسكرية على الطريق الدولي (رويترز)', 'caption'],
    ['الحدود كما بدت أمس صورة أرشيفية', 'caption'],
    ['Photo: Getty Images', 'caption'],
    ['إقرأ أيضا... عنوان قصة أخرى عن الموضوع', 'read-also'],
    ['اقرأ أيضاً: عنوان آخر', 'read-also'],
    ['Read more: another story', 'read-also'],
    ['جميع الحقوق محفوظة © 2025', 'copyright'],
    ['Copyright 2025 Example Media', 'copyright'],
    // article text that only resembles furniture
    ['عاجلاً أم آجلاً ستغادر القوات', null],
    ['وقال المصدر: إن القوات ستغادر القاعدة قبل نهاية الشهر الجاري وفق الجدول.', null],
    ['تابعنا التطورات طوال الليل.', null],
    ['ارتفعت الأسعار 5% خلال الشهر', null],
    ['هل يبرم كردستان اتفاقاً خاصاً؟', null],
  ])('%j → %s', (line, rule) => {
    expect(furnitureRule(line)).toBe(rule);
  });

  it.each([
    ['أخبار ذات علاقة', true],
    ['أخبار ذات صلة:', true],
    ['شاهد أيضاً', true],
    ['اقرأ أيضا...', true],
    ['Related articles', true],
    ['أخبار العراق اليوم', false],
  ])('related marker %j → %s', (line, expected) => {
    expect(isRelatedMarker(line)).toBe(expected);
  });

  it.each([
    ['آخر الأخبار', true],
    ['آخرالاخبار', true],
    ['الأكثر قراءة', true],
    ['Most read', true],
    ['آخر تطورات الانسحاب', false],
  ])('tail marker %j → %s', (line, expected) => {
    expect(isTailMarker(line)).toBe(expected);
  });

  it.each([
    ['بقلم: سامر الخطيب', 'سامر الخطيب'],
    ['بقلم سامر الخطيب', 'سامر الخطيب'],
    ['كتب - محمد علي', 'محمد علي'],
    ['إعداد: قسم الرصد', 'قسم الرصد'],
    ['By Jane Doe', 'Jane Doe'],
    ['تقرير صحفي من فريق الرصد – مركز الدراسات', 'فريق الرصد – مركز الدراسات'],
    ['كتب جديدة عن حرب العراق', null],
    ['Bypass road reopened', null],
    ['بقلم: هذه جملة طويلة جدا لا يمكن أن تكون اسما لكاتب واحد فقط', null],
  ])('byline %j → %s', (line, name) => {
    expect(bylineFromLabeledLine(line)).toBe(name);
  });
});
