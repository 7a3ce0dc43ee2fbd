import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGazetteer, EVIDENCE_CAP, tagText, type TagResult } from '../../src/tagging/gazetteer.js';
import { crossCheck, MilestonesSchema, TaxonomySchema, type Taxonomy } from '../../src/tagging/schema.js';

const readYaml = (path: string): unknown => parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));
const taxonomy = TaxonomySchema.parse(readYaml('config/taxonomy.yaml'));
const milestones = MilestonesSchema.parse(readYaml('config/milestones.yaml'));
const gazetteer = compileGazetteer(taxonomy);

const baseIds = (r: TagResult) => r.bases.map((b) => b.id).sort();
const topicIds = (r: TagResult) => r.topics.map((t) => t.id).sort();

/** Every evidence span must point at what it claims, in the input text. */
function expectOffsets(text: string, r: TagResult) {
  for (const hit of [...r.bases, ...r.topics]) {
    for (const e of hit.evidence) {
      expect(text.slice(e.start, e.end)).toBe(e.text);
      for (const m of e.matches) {
        expect(text.slice(m.start, m.end)).toBe(m.text);
        expect(m.start >= e.start && m.end <= e.end).toBe(true);
      }
    }
  }
}

describe('config', () => {
  it('parses and cross-checks', () => {
    expect(crossCheck(taxonomy, milestones)).toEqual([]);
    const ids = taxonomy.bases.map((b) => b.id);
    for (const id of ['ain-al-asad', 'harir', 'erbil-airport', 'baghdad-victory', 'al-tanf', 'hemo']) expect(ids).toContain(id);
    const topics = taxonomy.topics.map((t) => t.id);
    for (const id of ['withdrawal', 'coalition', 'security-partnership', 'militias', 'isis', 'kurdistan', 'iran', 'syria', 'attacks', 'iraqi-politics']) {
      expect(topics).toContain(id);
    }
  });

  const base = { id: 'x-base', name: { ar: 'س', en: 'X' }, country: 'iq', aliases: { ar: ['قاعدة س'] } };
  const tax = (b: object) => ({ topics: [{ id: 't', name: { ar: 'ت', en: 'T' }, aliases: { en: ['t'] } }], bases: [b] });
  it.each([
    ['an unknown key', { ...base, colour: 'red' }],
    ['a non-kebab id', { ...base, id: 'X_Base' }],
    ['an unknown country', { ...base, country: 'jo' }],
    ['ambiguous aliases without context', { ...base, ambiguous: { ar: ['س'] } }],
    ['a short prefix', { ...base, aliases: { ar: ['س*'] } }],
    ['a star inside a word', { ...base, aliases: { en: ['air*base'] } }],
  ])('rejects a base with %s', (_name, b) => {
    expect(TaxonomySchema.safeParse(tax(b)).success).toBe(false);
  });

  it('rejects one alias on two bases', () => {
    const t = tax(base);
    expect(TaxonomySchema.safeParse({ ...t, bases: [base, { ...base, id: 'y-base', aliases: { ar: ['قاعده س'] } }] }).success).toBe(false);
  });

  const ms = { id: 'm', title: { ar: 'م', en: 'M' }, due: '2025-09-15', from: '2024-09-01', bases: ['x-base'] };
  it.each([
    ['a bad due date', { ...ms, due: '2025-13-01' }],
    ['an unknown scope term list', { ...ms, scope: [['nowhere']] }],
    ['neither bases nor scope', { ...ms, bases: [] }],
    ['an unknown key', { ...ms, when: 'soon' }],
  ])('rejects a milestone with %s', (_name, m) => {
    expect(MilestonesSchema.safeParse({ statements: { ar: ['انسحاب*'] }, milestones: [m] }).success).toBe(false);
  });

  it('accepts a month as due date, and crossCheck names a missing base', () => {
    const parsed = MilestonesSchema.parse({ statements: {}, milestones: [{ ...ms, due: '2025-09', bases: ['nowhere'] }] });
    const problems = crossCheck(TaxonomySchema.parse(tax(base)), parsed);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/milestones\[0\] \(m\): base "nowhere"/);
  });
});

describe('bases', () => {
  // [text, base, the matched surface]
  const positives: [string, string, string][] = [
    ['انسحبت القوات من قاعدة عين الأسد غرب العراق', 'ain-al-asad', 'عين الأسد'],
    ['وصل الرتل إلى عين الاسد', 'ain-al-asad', 'عين الاسد'],
    ['وصل الرتل إلى عين إلاسد', 'ain-al-asad', 'عين إلاسد'],
    ['في قاعدة عَيْن الأَسَد الجوية', 'ain-al-asad', 'عَيْن الأَسَد'],
    ['في قاعدة عيـــن الأســـد', 'ain-al-asad', 'عيـــن الأســـد'],
    ['ولعين الأسد أهمية كبيرة', 'ain-al-asad', 'ولعين الأسد'],
    ['وبعين الأسد جنود', 'ain-al-asad', 'وبعين الأسد'],
    ['هبطت الطائرة في قاعدة الأسد الجوية', 'ain-al-asad', 'قاعدة الأسد الجوية'],
    ['وصلت التعزيزات لقاعدة حرير', 'harir', 'لقاعدة حرير'],
    ['وصلت التعزيزات بقاعدة الحرير', 'harir', 'بقاعدة الحرير'],
    ['في قاعده حرير شمال أربيل', 'harir', 'قاعده حرير'],
    ['انسحاب القوات الأمريكية من حرير', 'harir', 'حرير'],
    ['استهدفت مسيرة مطار أربيل الدولي', 'erbil-airport', 'مطار أربيل'],
    ['استهدفت مسيرة مطار إربيل', 'erbil-airport', 'مطار إربيل'],
    ['في قاعدة اربيل الجوية', 'erbil-airport', 'قاعدة اربيل'],
    ['سقط صاروخ قرب مطار بغداد الدولي', 'baghdad-victory', 'مطار بغداد'],
    ['سقط صاروخ قرب بمطار بغداد', 'baghdad-victory', 'بمطار بغداد'],
    ['في قاعدة فيكتوريا قرب المطار', 'baghdad-victory', 'قاعدة فيكتوريا'],
    ['داخل معسكر فكتوري', 'baghdad-victory', 'معسكر فكتوري'],
    ['غادر المستشارون قاعدة يونيون 3', 'union-iii', 'قاعدة يونيون 3'],
    ['عند معسكر التاجي شمال بغداد', 'taji', 'معسكر التاجي'],
    ['تعرضت قاعدة التنف لهجوم', 'al-tanf', 'التنف'],
    ['وصل الرتل إلى التنف', 'al-tanf', 'التنف'],
    ['من قاعدة «هيمو» في القامشلي', 'hemo', 'هيمو'],
    ['قرب قاعدة حيمو', 'hemo', 'حيمو'],
    ['في قاعدة رميلان بالحسكة', 'rmeilan', 'قاعدة رميلان'],
    ['في حقل العمر النفطي', 'al-omar', 'حقل العمر'],
    ['قرب حقل كونيكو للغاز', 'conoco', 'حقل كونيكو'],
    ['في قاعدة الشدادي جنوب الحسكة', 'shaddadi', 'قاعدة الشدادي'],
    ['US troops at Ain al-Asad', 'ain-al-asad', 'Ain al-Asad'],
    ['US troops at Ain al-Assad', 'ain-al-asad', 'Ain al-Assad'],
    ['US TROOPS AT AIN AL ASAD', 'ain-al-asad', 'AIN AL ASAD'],
    ['troops at Ayn al Asad', 'ain-al-asad', 'Ayn al Asad'],
    ['rockets hit Al Asad Air Base', 'ain-al-asad', 'Al Asad Air Base'],
    ['rockets hit al-Asad airbase', 'ain-al-asad', 'al-Asad airbase'],
    ['rockets hit the al-Assad airbase', 'ain-al-asad', 'al-Assad airbase'],
    ["Al-Asad Air Base's runway", 'ain-al-asad', 'Al-Asad Air Base'],
    ['drones over Harir air base', 'harir', 'Harir air base'],
    ['drones over the Harir Airbase', 'harir', 'Harir Airbase'],
    ['drones over the Harir airfield', 'harir', 'Harir airfield'],
    ['US troops left Harir last year', 'harir', 'Harir'],
    ['a drone hit Erbil International Airport', 'erbil-airport', 'Erbil International Airport'],
    ['the Harir and Erbil air bases', 'erbil-airport', 'Erbil air bases'],
    ['flights from Irbil airport', 'erbil-airport', 'Irbil airport'],
    ['at Camp Victory near BIAP', 'baghdad-victory', 'Camp Victory'],
    ['near Baghdad International Airport', 'baghdad-victory', 'Baghdad International Airport'],
    ['the Union III compound', 'union-iii', 'Union III'],
    ['Camp Taji was handed over', 'taji', 'Camp Taji'],
    ['the Q-West airfield', 'qayyarah', 'Q-West'],
    ['the al-Tanf garrison', 'al-tanf', 'Tanf'],
    ['at At Tanf', 'al-tanf', 'Tanf'],
    ['the Hemo base near Qamishli', 'hemo', 'Hemo base'],
    ['US forces withdrew from Hemo', 'hemo', 'Hemo'],
    ['the Rmeilan airfield', 'rmeilan', 'Rmeilan airfield'],
    ['the Kharab al-Jir airstrip', 'rmeilan', 'Kharab al-Jir'],
    ['near the Conoco gas field', 'conoco', 'Conoco gas field'],
    ['at the al-Omar oil field', 'al-omar', 'al-Omar oil field'],
    // ambiguous names beside a base or troop word, capitalized in English
    ['the drawdown from Al Asad is under way', 'ain-al-asad', 'Al Asad'],
    ['some U.S. personnel remain at Al-Asad', 'ain-al-asad', 'Al-Asad'],
    ['Americans began leaving al-Asad in August', 'ain-al-asad', 'al-Asad'],
    ['كانت القاعدة تعرف قبل 2003 باسم القادسية', 'ain-al-asad', 'القادسية'],
    ['Iraqi troops took over Al-Asad on Friday', 'ain-al-asad', 'Al-Asad'],
    ['a drone struck Al Asad overnight', 'ain-al-asad', 'Al Asad'],
    ['the Al Asad transition was re-sequenced', 'ain-al-asad', 'Al Asad'],
    ['the coalition pullout from Hareer goes on', 'harir', 'Hareer'],
    ['لا تغيير في انتشار قواتنا في حرير', 'harir', 'حرير'],
    ['سلّمت القوات مقر يونيون الثالث', 'union-iii', 'يونيون الثالث'],
    ['US troops left Hareer air base', 'harir', 'Hareer air base'],
    ['غادرت القوات قاعدتي عين الأسد وفكتوريا', 'baghdad-victory', 'وفكتوريا'],
    ['Americans left Victory in 2011', 'baghdad-victory', 'Victory'],
    ['سلم الأمريكيون مجمع قواعد النصر', 'baghdad-victory', 'قواعد النصر'],
    ['أخلت القوات مقر «الاتحاد ٣» في المنطقة الخضراء', 'union-iii', 'الاتحاد ٣'],
    ['advisers left the Union 3 compound', 'union-iii', 'Union 3'],
  ];

  it.each(positives)('%s → %s', (text, id, surface) => {
    const r = tagText(gazetteer, text);
    const hit = r.bases.find((b) => b.id === id);
    expect(hit, JSON.stringify(r.bases)).toBeDefined();
    expect(hit!.evidence[0]!.matches.map((m) => m.text)).toContain(surface);
    expectOffsets(text, r);
  });

  // Names that are also a person, a word, a city or a company tag no base on their own.
  const traps: string[] = [
    'قال الرئيس السوري بشار الأسد إن الحرب انتهت',
    'سقوط نظام الأسد في دمشق',
    'وجاء تصريح الأسد بعد أن نشرت المنظمة تقريرا',
    'وجدد الأسد اتهامه للغرب',
    'زار قاعدة الأسد في الساحل',
    'Bashar al-Assad said the war was over',
    "the fall of the Assad regime and Assad's allies",
    'مشروع طريق الحرير الصيني',
    'ارتدت ثوبا من الحرير',
    'وبحرير ناعم',
    'the Silk Road and a silk dress',
    'Harir subdistrict council met on Monday',
    'the Hariri family in Beirut',
    'زار رئيس الوزراء أربيل والتقى بارزاني',
    'in Erbil and Sulaymaniyah',
    'رحلات بين بغداد وأربيل',
    'Baghdad and Erbil agreed on the budget',
    'استكمال التنفيذ وصعوبة التنفس',
    'hemo dialysis unit',
    'ConocoPhillips and Conoco shares',
    'في العمر نفسه',
    'a victory for the base of the party',
    'تبنى تنظيم القاعدة الهجوم',
    'عين الحكومة وزيرا جديدا والأسد يراقب',
    // an ambiguous name beside words of its other meaning, or not capitalized in English
    'President Bashar al-Asad left Damascus as his regime base collapsed',
    'US troops and Syrian forces of al-Asad near the border',
    'زار الوزير جامعة القادسية ومقر قيادة القاعدة في المحافظة',
    'US troops celebrated the victory at the base',
    'the Queen Victoria base of the fleet',
    'Syrian forces loyal to President al-Asad attacked the town',
    'drones struck positions of the al-Asad regime',
    'انسحاب قوات الأمن من طريق الحرير',
    'troops deployed to Harir town on Monday',
  ];

  it.each(traps)('no base in: %s', (text) => {
    expect(baseIds(tagText(gazetteer, text))).toEqual([]);
  });

  it('a name never matches across a sentence end', () => {
    expect(baseIds(tagText(gazetteer, 'نظر إلى العين. الأسد في القفص'))).toEqual([]);
  });

  it('counts one mention once when aliases overlap', () => {
    const r = tagText(gazetteer, 'وصلنا إلى قاعدة حرير الجوية ثم إلى مطار بغداد الدولي');
    expect(r.bases.map((b) => [b.id, b.count])).toEqual([
      ['harir', 1],
      ['baghdad-victory', 1],
    ]);
  });

  it('keeps every occurrence in count and caps evidence', () => {
    const text = Array.from({ length: 8 }, (_, i) => `الخبر ${i}: زار الوفد قاعدة حرير.`).join('\n');
    const [hit] = tagText(gazetteer, text).bases;
    expect(hit?.count).toBe(8);
    expect(hit?.evidence).toHaveLength(EVIDENCE_CAP);
  });

  it('evidence is the sentence, with all its matches', () => {
    const text = 'مقدمة قصيرة. تعرضت قاعدة عين الأسد وعين الأسد مرة أخرى لهجوم. خاتمة.';
    const [hit] = tagText(gazetteer, text).bases;
    expect(hit?.evidence).toHaveLength(1);
    expect(hit?.evidence[0]?.text).toBe('تعرضت قاعدة عين الأسد وعين الأسد مرة أخرى لهجوم.');
    expect(hit?.evidence[0]?.matches.map((m) => m.text)).toEqual(['عين الأسد', 'وعين الأسد']);
    expect(hit?.evidence[0]?.matches[0]?.term).toBe('عين الأسد');
  });
});

describe('topics', () => {
  it.each([
    ['one passing mention does not tag', 'وقال المسؤول إن إيران تراقب الوضع.', undefined, false],
    ['two mentions tag', 'وقال المسؤول إن إيران تراقب الوضع، وإن طهران لم تعلق.', undefined, true],
    ['one mention tags when the title names the topic', 'وقال المسؤول إن الإيرانيين يراقبون الوضع.', 'طهران ترد', true],
    ['a title alone is not enough', 'وقال المسؤول إن الوضع هادئ.', 'طهران ترد', false],
    ['English, with inflection', 'Iranian officials and the IRGC said nothing.', undefined, true],
  ])('%s', (_name, text, title, tagged) => {
    const r = tagText(gazetteer, text, title ? { title } : {});
    expect(topicIds(r).includes('iran')).toBe(tagged);
    expectOffsets(text, r);
  });

  it.each([
    ['withdrawal', 'بدأ الانسحاب الأمريكي، وتنسحب القوات تدريجيا.'],
    ['withdrawal', 'The US will withdraw troops; the drawdown starts in May.'],
    ['coalition', 'قوات التحالف الدولي تغادر، وقال مسؤول في التحالف بقيادة الولايات المتحدة.'],
    ['coalition', "The US-led coalition's mission ends; coalition forces leave."],
    ['security-partnership', 'شراكة أمنية ثنائية ضمن اتفاقية الإطار الاستراتيجي.'],
    ['militias', 'هددت الفصائل المسلحة وكتائب حزب الله بالرد.'],
    ['militias', 'Iran-backed militias and Kataib Hezbollah threatened to respond.'],
    ['isis', 'فلول داعش وخلايا التنظيم في الصحراء.'],
    ['isis', 'ISIS cells; the Islamic State claimed it.'],
    ['kurdistan', 'زار رئيس إقليم كردستان أربيل والسليمانية.'],
    ['syria', 'The Assad regime fell and Damascus changed hands.'],
    ['syria', 'سقوط نظام الأسد وخروج قسد من الرقة.'],
    ['attacks', 'هجوم بطائرة مسيرة وقصف صاروخي.'],
    ['attacks', 'A drone attack and rocket fire hit the base.'],
    ['iraqi-politics', 'اجتمع الإطار التنسيقي ثم عقد البرلمان العراقي جلسة.'],
  ])('%s: %s', (id, text) => {
    expect(topicIds(tagText(gazetteer, text))).toContain(id);
  });

  it('a topic can require more hits in the config', () => {
    const t: Taxonomy = { ...taxonomy, topics: taxonomy.topics.map((x) => (x.id === 'iran' ? { ...x, min_hits: 3 } : x)) };
    expect(topicIds(tagText(compileGazetteer(t), 'إيران وطهران.'))).not.toContain('iran');
  });
});
