import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../../src/app.js';
import { seedDocuments, DEFAULT_SEEDS_DIR, type SeedSummary } from '../../src/ops/seed.js';
import { createLogger } from '../../src/log.js';
import type { Article } from '../../src/model.js';
import { PIPELINE_MS, SLOW_TEST_MS } from '../support/limits.js';
import { deleteKeys, testPrefix, testRedisUrl } from '../support/redis.js';

const SEEDS = DEFAULT_SEEDS_DIR;

let app: App;
let prefix: string;
let url: string;
let first: SeedSummary;
const byFile = new Map<string, Article>();

async function open(): Promise<App> {
  const env = { ...process.env, REDIS_URL: url, MARSAD_PREFIX: prefix, MARSAD_LOG_LEVEL: 'silent' };
  return openApp({ log: createLogger(env), env });
}

beforeAll(async () => {
  url = testRedisUrl();
  prefix = testPrefix('pipeline');
  app = await open();
  first = await seedDocuments(app, SEEDS, { timeoutMs: PIPELINE_MS });
  for (const id of await app.store.listArticleIds({}, 0)) {
    const a = (await app.store.readArticle(id))!;
    if (a.origin.kind === 'seed') byFile.set(a.origin.file.slice(0, 3), a);
  }
}, SLOW_TEST_MS);

afterAll(async () => {
  await app?.close();
  if (url) await deleteKeys(url, prefix);
});

describe('the seed set through clean -> dedup -> tag on Redis', { timeout: SLOW_TEST_MS }, () => {
  it('brings all five seeds through as five distinct articles', () => {
    expect(first.problems).toEqual([]);
    expect(first).toMatchObject({ documents: 5, new: 5, known: 0, failed: 0, duplicates: 0 });
    expect([...byFile.keys()].sort()).toEqual(['000', '001', '002', '003', '004']);
    for (const a of byFile.values()) {
      expect(a.stage).toBe('alerted');
      expect(a.duplicateOf).toBeNull();
      expect(a.language).toBe('ar');
    }
  });

  it('keeps what the manifest says about each seed', () => {
    expect(byFile.get('000')).toMatchObject({ source: 'Erem News', url: 'https://www.eremnews.com/news/arab-world/kapw5qr' });
    expect(byFile.get('001')).toMatchObject({ source: 'Erem News', url: null });
    expect(byFile.get('002')).toMatchObject({ source: 'Al-Nahrain News', author: 'Emirates Policy Center', url: 'https://alnahrainnews.com/archives/19223' });
    expect(byFile.get('003')).toMatchObject({ source: null, url: null });
    expect(byFile.get('004')).toMatchObject({ source: 'Al-Alam', url: 'http://www.alalam.ir/news/7292193' });
  });

  it.each([
    ['000', null, '2025-08-23'],
    ['001', 'بين نهاية المهمة وإعادة التشكيل.. الغموض يلف مصير التحالف الدولي بالعراق', null],
    ['002', 'هواجس الانقلاب تُربك الميليشيات مع اقتراب الانسحاب الأمريكي', '2025-10-15'],
    ['003', 'تعقيدات الانسحاب الأمريكي من العراق', null],
    ['004', 'القوات الأمريكية تنسحب من العراق: فراغ أمني أم بداية استقرار', '2025-08-21T08:31:00Z'],
  ])('seed %s: title and published date come from the text', (file, title, published) => {
    const a = byFile.get(file)!;
    expect(a.title).toBe(title);
    expect(a.published).toBe(published);
  });

  it('finds the byline of the column (003)', () => {
    expect(byFile.get('003')!.byline).toBe('محمد السعيد إدريس');
  });

  it.each([
    ['001', ['مسيّرة تستهدف', 'logo', 'العالم العربي', 'المصدر:', 'تابعونا', 'جميع الحقوق محفوظة']],
    ['002', ['شاهد أيضاً', 'سلوفينيا', 'الأربعاء , 15 أكتوبر 2025']],
    ['003', ['mailto', '@gmail', '## ']],
    ['004', ['عاجل', 'تمديد اتفاق وقف إطلاق النار', 'بتوقيت غرينتش', 'زيلينسكي']],
    ['000', ['date 2025-08-23']],
  ])('seed %s: the furniture is gone from the clean text', (file, furniture) => {
    const text = byFile.get(file)!.text;
    for (const f of furniture) expect(text, f).not.toContain(f);
  });

  it('keeps the whole article: first and last paragraphs of every seed are in the clean text', () => {
    const expectations: Record<string, [string, string]> = {
      '000': ['كشف مصدر سياسي رفيع', 'يجعل من الصعب التوصل إلى صيغة متوازنة'],
      '001': ['مع قرب انتهاء شهر سبتمبر', 'قبل الانسحاب بشكل كامل'],
      '002': ['بغداد – مع اقتراب موعد الانسحاب', 'لمعنى الشراكة وأمن السيادة'],
      '003': ['المعلومات التي نشرتها مجلة', 'في إطار التحالف الاستراتيجي الذي يربطهما'],
      '004': ['بدأت القوات الامريكية تنفيذ اولى خطوات انسحابها', ''],
    };
    for (const [file, [head, tail]] of Object.entries(expectations)) {
      const text = byFile.get(file)!.text;
      expect(text, file).toContain(head);
      expect(text, file).toContain(tail);
    }
  });

  it('tags bases and milestone mentions with evidence that points into the text', () => {
    const milestones = (f: string) => byFile.get(f)!.milestones.map((m) => m.id);
    expect(byFile.get('000')!.bases).toContain('ain-al-asad');
    expect(milestones('000')).toContain('ain-al-asad-exit');
    expect(byFile.get('004')!.bases).toContain('ain-al-asad');
    expect(milestones('004')).toContain('ain-al-asad-exit');
    expect(byFile.get('003')!.bases).toEqual(expect.arrayContaining(['al-tanf', 'hemo']));
    expect(milestones('003')).toContain('coalition-mission-end');
    for (const f of ['000', '001', '002', '004']) {
      expect(milestones(f).some((m) => m === 'ain-al-asad-exit' || m === 'harir-exit'), f).toBe(true);
    }
    for (const a of byFile.values()) {
      expect(a.topics).toContain('withdrawal');
      for (const m of a.milestones) {
        expect(m.evidence.length).toBeGreaterThan(0);
        for (const e of m.evidence) {
          expect(a.text.slice(e.start, e.end)).toBe(e.text);
          for (const hit of e.matches) expect(a.text.slice(hit.start, hit.end)).toBe(hit.text);
        }
      }
    }
  });

  it('lists articles by base, topic and milestone', async () => {
    const ids = await app.store.listArticleIds({ milestone: 'ain-al-asad-exit' }, 0);
    expect(ids).toContain(byFile.get('000')!.id);
    expect(ids).not.toContain(byFile.get('003')!.id);
    const tanf = await app.store.listArticleIds({ base: 'al-tanf', topic: 'withdrawal' }, 0);
    expect(tanf).toContain(byFile.get('003')!.id);
  });

  it('skips a clean job run again after dedup dropped the raw document, leaving the article as it was', async () => {
    const [id] = await app.store.listArticleIds({}, 1);
    const before = await app.store.getArticle(id!);
    expect(await app.store.getDocument(id!)).toBeNull();
    const results = await app.queues.watchResults('clean');
    try {
      const jobId = await app.queues.enqueue('clean', { documentId: id! }, { replay: true });
      expect(await results.result(jobId, PIPELINE_MS)).toMatchObject({ status: 'skipped', next: [] });
    } finally {
      await results.close();
    }
    expect(await app.store.getArticle(id!)).toEqual(before);
  });

  it('creates nothing new when the seeds are seeded again', async () => {
    const before = await app.queues.jobCounts('clean');
    const again = await seedDocuments(app, SEEDS, { timeoutMs: PIPELINE_MS });
    expect(again).toMatchObject({ documents: 5, new: 0, known: 5, failed: 0 });
    expect(await app.store.countArticles()).toBe(5);
    expect(await app.queues.jobCounts('clean')).toEqual(before);
  });

  it('links a reprint of a seed (new headline, other furniture, light edits) to the original', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'marsad-reprint-'));
    const original = byFile.get('002')!;
    const paragraphs = original.text.split('\n\n');
    const edited = paragraphs
      .slice(0, -1)
      .map((p) => p.replace('الميليشيات', 'الفصائل المسلحة').replace('الولايات المتحدة', 'واشنطن'));
    const reprint = [
      'الرئيسية > عربي ودولي',
      'ميليشيات العراق تترقب الانسحاب الأمريكي بقلق',
      'نشر في: 16 أكتوبر 2025',
      ...edited,
      'اقرأ أيضاً: أسعار النفط ترتفع في التعاملات المبكرة',
      'جميع الحقوق محفوظة لموقع المثال 2025',
    ].join('\n\n');
    writeFileSync(path.join(dir, 'reprint.json'), JSON.stringify({ text: reprint, url: 'https://example.org/iraq/2025/10/16/militias?utm_source=x', source: 'Example Daily' }));
    // The same text again under another name: an exact duplicate.
    writeFileSync(path.join(dir, 'copy-of-004.txt'), 'شريط الأخبار\n\n' + readFileSync(path.join(SEEDS, '004_32fed4459143db96.txt'), 'utf8'));

    const summary = await seedDocuments(app, dir, { timeoutMs: PIPELINE_MS });
    expect(summary).toMatchObject({ documents: 2, new: 2, failed: 0, duplicates: 2 });
    const [reprintOutcome, copyOutcome] = [summary.outcomes.find((o) => o.file === 'reprint.json')!, summary.outcomes.find((o) => o.file === 'copy-of-004.txt')!];
    expect(reprintOutcome.article!.duplicateOf).toBe(original.id);
    expect(reprintOutcome.article!.duplicateMatch).toBe('near');
    expect(copyOutcome.article!.duplicateOf).toBe(byFile.get('004')!.id);

    const withReprints = (await app.store.readArticle(original.id))!;
    expect(withReprints.alsoReportedBy).toEqual([
      expect.objectContaining({ id: reprintOutcome.id, source: 'Example Daily', match: 'near' }),
    ]);
    const dup = (await app.store.readArticle(reprintOutcome.id))!;
    expect(dup.canonicalUrl).toBe('https://example.org/iraq/2025/10/16/militias');
    expect(dup.similarity).toBeGreaterThanOrEqual(0.5);
    expect(await app.store.countDuplicates()).toBe(2);
  });
});
