// Stance rules, one table per rule. Sentences are written for these tests (not taken from outlets or from
// the labelled set); each names one milestone so that the first mention is the one under test.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileGazetteer } from '../../src/tagging/gazetteer.js';
import { compileMilestones, matchMilestones } from '../../src/tagging/milestones.js';
import { MilestonesSchema, StanceSchema, TaxonomySchema } from '../../src/tagging/schema.js';

const readYaml = (path: string): unknown => parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));
const compiled = compileMilestones(
  MilestonesSchema.parse(readYaml('config/milestones.yaml')),
  compileGazetteer(TaxonomySchema.parse(readYaml('config/taxonomy.yaml'))),
  StanceSchema.parse(readYaml('config/stance.yaml')),
);

function first(text: string, published: string, id?: string) {
  const ms = matchMilestones(compiled, text, published);
  const m = id ? ms.find((x) => x.id === id) : ms[0];
  expect(m, `no milestone in: ${text}`).toBeDefined();
  return m!;
}

// [text, published, milestone, stance]
type Row = [string, string, string, string];

describe('tense and aspect', () => {
  const rows: Row[] = [
    ['غادرت آخر القوات الأمريكية قاعدة عين الأسد.', '2026-01-20', 'ain-al-asad-exit', 'completed'],
    ['بدأت قوات التحالف سحب معداتها من قاعدة حرير.', '2026-03-01', 'harir-exit', 'started'],
    ['تنسحب القوات الأمريكية هذه الأيام من قاعدة عين الأسد.', '2025-08-20', 'ain-al-asad-exit', 'started'],
    ['ستنسحب القوات الأمريكية من قاعدة عين الأسد في أيلول المقبل.', '2025-05-01', 'ain-al-asad-exit', 'scheduled'],
    ['US troops pulled out of Victory Base last week.', '2025-09-20', 'baghdad-exit', 'completed'],
    ['Coalition troops are pulling out of Harir air base.', '2026-03-01', 'harir-exit', 'started'],
    ['US forces will leave Harir air base by September 2026.', '2025-10-01', 'harir-exit', 'scheduled'],
    // a completed noun phrase after "after", a present headline with a month ahead
    ['Iraqi troops guard Ain al-Asad after the US exit.', '2026-01-20', 'ain-al-asad-exit', 'completed'],
    ['مهمة التحالف الدولي تنتهي في أيلول.', '2025-07-01', 'coalition-mission-end', 'scheduled'],
    // part of the forces: under way
    ['قال مسؤول إن قسماً من القوات الأمريكية غادر قاعدة حرير.', '2026-03-01', 'harir-exit', 'started'],
    ['Some US troops have left Harir air base, an official said.', '2026-03-01', 'harir-exit', 'started'],
    // a completed verb in a relative clause only describes the place
    ['Iraqi units began moving into barracks vacated by US forces at Ain al-Asad.', '2025-09-10', 'ain-al-asad-exit', 'started'],
    // a future verb after the last-of phrase
    ['أكد المتحدث أن آخر جندي من القوات الأمريكية سيغادر قاعدة عين الأسد قبل الموعد.', '2025-08-01', 'ain-al-asad-exit', 'scheduled'],
  ];
  it.each(rows)('%s', (text, published, id, stance) => expect(first(text, published, id).stance).toBe(stance));
});

describe('negation', () => {
  const rows: Row[] = [
    ['لم تنسحب القوات الأمريكية من قاعدة عين الأسد.', '2025-08-20', 'ain-al-asad-exit', 'denied'],
    ['US troops have not left Ain al-Asad air base.', '2025-08-20', 'ain-al-asad-exit', 'denied'],
    // "not yet": under way before the due date, late after it
    ['لم تكتمل مغادرة القوات الأمريكية قاعدة عين الأسد بعد.', '2025-09-01', 'ain-al-asad-exit', 'started'],
    ['لم تكتمل مغادرة القوات الأمريكية قاعدة عين الأسد بعد.', '2025-11-01', 'ain-al-asad-exit', 'delayed'],
    // no troops remain: the move is done
    ['The ministry said no American troops remain at Ain al-Asad air base after the withdrawal.', '2026-01-20', 'ain-al-asad-exit', 'completed'],
    // denying a postponement restates the plan
    ['نفى المتحدث وجود أي نية لتأجيل انسحاب القوات الأمريكية من قاعدة حرير.', '2026-02-01', 'harir-exit', 'scheduled'],
    ['The Pentagon rejected reports that the withdrawal from Harir air base would be delayed.', '2026-02-01', 'harir-exit', 'scheduled'],
    // an intention told is the plan; an unchanged timetable is the plan; an unchanged base is a denial
    ['أبلغ الجانب الأمريكي بغداد عزمه سحب قواته من قاعدة عين الأسد.', '2025-08-01', 'ain-al-asad-exit', 'scheduled'],
    ['أكد المستشار أن الجدول الزمني لم يطرأ عليه أي تعديل وأن القوات ستغادر قاعدة حرير في موعدها.', '2026-02-01', 'harir-exit', 'scheduled'],
    ['قال المسؤول إن الجدول الزمني لانسحاب القوات من قاعدة حرير لم يتغير.', '2026-02-01', 'harir-exit', 'scheduled'],
    ['A militia spokesman said nothing has changed at Ain al-Asad despite talk of a withdrawal.', '2025-09-01', 'ain-al-asad-exit', 'denied'],
  ];
  it.each(rows)('%s', (text, published, id, stance) => expect(first(text, published, id).stance).toBe(stance));
});

describe('stay until a date, against the due date', () => {
  const rows: Row[] = [
    ['Coalition forces will remain at Harir air base until September 2026.', '2025-10-01', 'harir-exit', 'scheduled'],
    ['Coalition forces will remain at Harir air base until 2027.', '2025-10-01', 'harir-exit', 'delayed'],
    ['US forces will stay at Harir air base beyond September 2026, officials said.', '2026-01-10', 'harir-exit', 'delayed'],
    ['ستبقى القوات الأمريكية في قاعدة حرير لما بعد أيلول 2026.', '2026-01-10', 'harir-exit', 'delayed'],
    ['تواصل قوات التحالف عملها من إقليم كردستان حتى أيلول 2026.', '2025-01-10', 'harir-exit', 'scheduled'],
    // a stay in Ain al-Asad until the end of the year, reported after the mid-September due date
    ['قال ضابط إن الأمريكيين سيبقون في قاعدة عين الأسد حتى نهاية العام.', '2025-10-10', 'ain-al-asad-exit', 'delayed'],
    // a weekday before the verb dates the report, not the stay; a named deadline before it is the due date
    ['وجّه نائب، اليوم الاثنين، سؤالاً عن بقاء قوات أمريكية في قاعدة عين الأسد بعد انتهاء مهمتها.', '2025-09-22', 'ain-al-asad-exit', 'unclear'],
    ['The September 15 deadline for leaving Ain al-Asad has passed and American troops are still there.', '2025-10-06', 'ain-al-asad-exit', 'delayed'],
    ['The prime minister said a small US force would stay on at Ain al-Asad beyond the September deadline.', '2025-10-20', 'ain-al-asad-exit', 'delayed'],
    // an explicit postponement
    ['The government postponed the withdrawal from Victory Base by two weeks.', '2025-09-10', 'baghdad-exit', 'delayed'],
  ];
  it.each(rows)('%s', (text, published, id, stance) => expect(first(text, published, id).stance).toBe(stance));
});

describe('repositioning with contrast', () => {
  const rows: Row[] = [
    ['قالت الفصائل إن ما يجري في قاعدة عين الأسد مجرد إعادة تموضع وليس انسحاباً.', '2025-09-01', 'ain-al-asad-exit', 'denied'],
    ['An Iraqi officer called the convoys leaving Ain al-Asad merely a rotation.', '2025-09-01', 'ain-al-asad-exit', 'denied'],
    ['US forces are repositioning from Ain al-Asad air base.', '2025-09-01', 'ain-al-asad-exit', 'started'],
    // a repositioning denied is a real move
    ['قال ضابط عراقي إن ما تشهده قاعدة عين الأسد خروج حقيقي لا إعادة تموضع.', '2025-09-01', 'ain-al-asad-exit', 'started'],
    ['The convoys leaving Ain al-Asad air base are a withdrawal, not a rotation, an Iraqi officer said.', '2025-09-01', 'ain-al-asad-exit', 'started'],
  ];
  it.each(rows)('%s', (text, published, id, stance) => expect(first(text, published, id).stance).toBe(stance));
});

describe('general phrasings: noun-phrase completions, reviews and reschedulings, indirect denials, no date set', () => {
  const rows: Row[] = [
    // a noun of the move completed, with no verb
    ['اكتمال تسليم قاعدة عين الأسد إلى القوة الجوية العراقية', '2026-01-20', 'ain-al-asad-exit', 'completed'],
    ['قال محلل إن إخلاء قاعدة حرير أُنجز قبل الموعد.', '2026-09-20', 'harir-exit', 'completed'],
    ['The completion of the pullout from Ain al-Asad was marked at a ceremony, an Iraqi officer said.', '2026-01-20', 'ain-al-asad-exit', 'completed'],
    ['Kurdish official: the pullout from Harir air base is done', '2026-09-20', 'harir-exit', 'completed'],
    // most of the forces: under way
    ['غادرت معظم القوات الأمريكية قاعدة عين الأسد خلال الأسبوع الماضي.', '2025-09-01', 'ain-al-asad-exit', 'started'],
    // a postponement told as a review or a rescheduling, a stalling, a deadline gone by
    ['قال مصدر إن موعد الخروج من قاعدة حرير خضع للمراجعة بطلب من أربيل.', '2026-08-01', 'harir-exit', 'delayed'],
    ['إعادة جدولة تسليم قاعدة عين الأسد إلى نهاية العام', '2025-09-10', 'ain-al-asad-exit', 'delayed'],
    ['The schedule for leaving Victory Base has been reviewed, an Iraqi official said.', '2025-09-10', 'baghdad-exit', 'delayed'],
    ['The Harir air base handover was re-sequenced into next year, officials said.', '2026-08-01', 'harir-exit', 'delayed'],
    ['انقضى الموعد المحدد والقوات الأمريكية ما زالت في قاعدة عين الأسد', '2025-09-20', 'ain-al-asad-exit', 'delayed'],
    ['قالت الفصائل إن الأمريكيين يماطلون في الانسحاب من قاعدة فكتوريا.', '2025-09-20', 'baghdad-exit', 'delayed'],
    // a residual force kept past the due date
    ['Washington plans to keep a residual force at Harir air base after September 2026.', '2026-03-01', 'harir-exit', 'delayed'],
    // "throughout" (في أرجاء) is no postponement
    ['انتشرت وحدات الجيش العراقي في أرجاء قاعدة عين الأسد بعد خلوها من القوات الأمريكية.', '2026-01-20', 'ain-al-asad-exit', 'completed'],
    // indirect denials: no change in posture, numbers not reduced
    ['There is no change in US force posture at Harir air base, a Pentagon spokesman said.', '2026-03-01', 'harir-exit', 'denied'],
    ['قال المتحدث إنه لا تغيير في أعداد القوات الأمريكية في قاعدة حرير.', '2026-03-01', 'harir-exit', 'denied'],
    ['US troop numbers at Ain al-Asad air base are not being reduced, the Pentagon said.', '2025-08-20', 'ain-al-asad-exit', 'denied'],
    ['نفى مسؤول أن تكون أعداد القوات في قاعدة عين الأسد لم تخفض.', '2025-08-20', 'ain-al-asad-exit', 'denied'],
    // no date set, or talks to set one
    ['The government wants coalition forces out of Harir air base, without setting a date.', '2026-03-01', 'harir-exit', 'unclear'],
    ['عقدت اللجنة اجتماعاً لتحديد جدول زمني لخروج القوات من قاعدة حرير.', '2026-03-01', 'harir-exit', 'unclear'],
  ];
  it.each(rows)('%s', (text, published, id, stance) => expect(first(text, published, id).stance).toBe(stance));
});

describe('demands and questions', () => {
  const rows: Row[] = [
    ['طالب نواب بخروج القوات الأمريكية من قاعدة حرير فوراً.', '2025-10-01', 'harir-exit', 'unclear'],
    ['A militia demanded that US troops leave Victory Base at once.', '2025-10-01', 'baghdad-exit', 'unclear'],
    ['هل تغادر القوات الأمريكية قاعدة حرير في موعدها؟', '2026-05-01', 'harir-exit', 'unclear'],
    // conflicting reports about a stay tell nothing
    ['وسط تضارب الأنباء بشأن بقاء قوات أمريكية في قاعدة حرير، لم يصدر أي بيان عن انسحابها.', '2026-10-10', 'harir-exit', 'unclear'],
    ['تباينت التقارير بشأن انسحاب القوات الأمريكية من قاعدة عين الأسد.', '2025-08-16', 'ain-al-asad-exit', 'unclear'],
  ];
  it.each(rows)('%s', (text, published, id, stance) => expect(first(text, published, id).stance).toBe(stance));
});

describe('an announced ending', () => {
  const rows: Row[] = [
    // the noun after an announcing verb, with no verb cue and nothing ahead: done
    ['أعلنت الحكومة، أمس الأحد، انتهاء مهمة التحالف الدولي في العراق الاتحادي.', '2025-10-01', 'coalition-mission-end', 'completed'],
    ['The Joint Operations Command on Sunday declared the end of the coalition mission in federal Iraq.', '2025-10-01', 'coalition-mission-end', 'completed'],
    // a welcomed departure happened; a batch out is under way
    ['رحّبت الفصائل المسلحة بخروج القوات الأمريكية من قاعدة عين الأسد.', '2026-01-20', 'ain-al-asad-exit', 'completed'],
    ['أعلنت قيادة العمليات، أمس، خروج الدفعة الثانية من القوات الأمريكية من قاعدة عين الأسد.', '2025-08-27', 'ain-al-asad-exit', 'started'],
    // a date ahead of the report, or a plan word between verb and noun: the plan
    ['أعلنت الحكومة انتهاء مهمة التحالف الدولي في العراق في أيلول 2025.', '2024-10-01', 'coalition-mission-end', 'scheduled'],
    ['The government announced plans for the end of the coalition mission in Iraq.', '2024-10-01', 'coalition-mission-end', 'scheduled'],
  ];
  it.each(rows)('%s', (text, published, id, stance) => expect(first(text, published, id).stance).toBe(stance));
});

describe('cues of another subject', () => {
  const rows: Row[] = [
    // a stay in Kurdistan in the same sentence belongs to harir-exit, not to the mission's end
    ['يقضي الاتفاق بين بغداد وواشنطن بإنهاء مهمة التحالف في العراق بحلول أيلول 2025، على أن تبقى قوات أمريكية في أربيل حتى أيلول 2026.', '2025-01-10', 'coalition-mission-end', 'scheduled'],
    // a list of subjects shares the verb even when one of them is named in two parts
    ['قال المتحدث إن إخلاء قاعدة عين الأسد الجوية والمواقع المتبقية في بغداد اكتمل.', '2026-01-18', 'ain-al-asad-exit', 'completed'],
    ['قال المتحدث إن إخلاء قاعدة عين الأسد الجوية والمواقع المتبقية في بغداد اكتمل.', '2026-01-18', 'baghdad-exit', 'completed'],
  ];
  it.each(rows)('%s', (text, published, id, stance) => expect(first(text, published, id).stance).toBe(stance));
});

describe('contrasting clauses', () => {
  const rows: Row[] = [
    // a stay and its date after "while" belong to the other subject
    ["Under the deal, the coalition's military mission in Iraq ends by September 2025, while some US forces stay in Erbil until September 2026.", '2025-01-10', 'coalition-mission-end', 'scheduled'],
    ["Under the deal, the coalition's military mission in Iraq ends by September 2025, while some US forces stay in Erbil until September 2026.", '2025-01-10', 'harir-exit', 'scheduled'],
    ['تنتهي مهمة التحالف الدولي في العراق بحلول أيلول 2025، بينما تبقى قوات أمريكية في أربيل حتى أيلول 2026.', '2025-01-10', 'coalition-mission-end', 'scheduled'],
  ];
  it.each(rows)('%s', (text, published, id, stance) => expect(first(text, published, id).stance).toBe(stance));
});

describe('attribution', () => {
  // [text, milestone, who]
  const rows: [string, string, string | null][] = [
    ['قالت وزارة الدفاع العراقية إن القوات الأمريكية أخلت قاعدة عين الأسد.', 'ain-al-asad-exit', 'iraqi-military'],
    ['US forces have left Victory Base, according to two US officials.', 'baghdad-exit', 'us-government'],
    // the previous sentence names the speaker, this one continues the statement
    ['قال البنتاغون في بيان إن العملية تسير بهدوء. وأضاف أن القوات الأمريكية أكملت انسحابها من قاعدة عين الأسد.', 'ain-al-asad-exit', 'pentagon'],
    // a dateline is no speaker
    ['بغداد - انسحبت القوات الأمريكية من قاعدة فكتوريا.', 'baghdad-exit', null],
    ['The US has finished its withdrawal from Victory Base.', 'baghdad-exit', null],
    // a headline's speaker before its colon, with no verb
    ['قيادة العمليات المشتركة: القوات الأمريكية أكملت إخلاء قاعدة عين الأسد', 'ain-al-asad-exit', 'joint-operations-command'],
    ['Peshmerga ministry: US troops have begun leaving Harir air base', 'harir-exit', 'kurdistan-region'],
    ['مصادر أمنية: بدء انسحاب القوات الأمريكية من قاعدة عين الأسد', 'ain-al-asad-exit', 'unnamed-sources'],
    // a colon with no actor before it names nobody
    ['موعد الانسحاب: القوات الأمريكية تغادر قاعدة عين الأسد منتصف الشهر', 'ain-al-asad-exit', null],
    // a named body's official who asks for anonymity is an unnamed source
    ['US troops have started leaving Victory Base, a State Department official said on condition of anonymity.', 'baghdad-exit', 'unnamed-sources'],
    ['قال ضابط في الجيش طلب عدم الكشف عن اسمه إن القوات الأمريكية أخلت قاعدة عين الأسد.', 'ain-al-asad-exit', 'unnamed-sources'],
    // the source an outlet relays is the speaker
    ['انسحبت القوات الأمريكية من قاعدة فكتوريا، وفق ما نقلت صحيفة محلية عن مصدر أمني.', 'baghdad-exit', 'unnamed-sources'],
  ];
  it.each(rows)('%s', (text, id, who) => expect(first(text, '2025-09-20', id).mentions[0]!.attribution?.who ?? null).toBe(who));
});

describe('hedging', () => {
  const rows: [string, boolean][] = [
    ['Reportedly, US troops have begun leaving Harir air base.', true],
    ['قال مسؤول كردي طلب عدم الكشف عن اسمه إن القوات الأمريكية بدأت مغادرة قاعدة حرير.', true],
    ['Two sources said US troops have begun leaving Harir air base.', true],
    ['The Pentagon said US troops have begun leaving Harir air base.', false],
    // reports as the object of a named actor's denial do not hedge the actor's statement
    ['The State Department denied reports that US troops have begun leaving Harir air base, calling them false.', false],
    ['نفت وزارة البيشمركة الأنباء التي تحدثت عن بدء انسحاب القوات الأمريكية من قاعدة حرير.', false],
    ['نفى البنتاغون صحة التقارير عن مغادرة القوات الأمريكية قاعدة حرير.', false],
    // with no named speaker, reports hedge; sourcing hedges a named speaker too
    ['أنباء عن بدء انسحاب القوات الأمريكية من قاعدة حرير.', true],
    ['Reports say US troops have begun leaving Harir air base.', true],
    ['A Kurdish official who asked not to be named said US troops have begun leaving Harir air base.', true],
    ['يُعتقد أن القوات الأمريكية بدأت مغادرة قاعدة حرير، بحسب وزارة البيشمركة.', true],
  ];
  it.each(rows)('%s', (text, hedged) => expect(first(text, '2026-03-01', 'harir-exit').mentions[0]!.hedged).toBe(hedged));
});

describe('history', () => {
  it('by the event date: a handover in 2011 reported in 2025', () => {
    const m = first('سلمت القوات الأمريكية قاعدة فكتوريا إلى العراقيين عام 2011.', '2025-09-16', 'baghdad-exit');
    expect(m.history).toBe(true);
    expect(m.stance).toBe('completed');
  });
  it('by the published date: a report from before the agreement', () => {
    expect(first('US troops will leave Ain al-Asad air base next year, officials said.', '2024-06-01', 'ain-al-asad-exit').history).toBe(true);
  });
  it('the end of the combat mission, reported as an event', () => {
    expect(first('The coalition ended its combat mission in Iraq in December 2021.', '2025-09-30', 'coalition-mission-end').history).toBe(true);
  });
  it('the 2024 plan is no history', () => {
    expect(first('The coalition mission in Iraq will end in September 2025 under the agreement.', '2025-01-10', 'coalition-mission-end').history).toBe(false);
  });
});

describe('background', () => {
  it('a restatement of the agreement deep in a story is background, and the news decides', () => {
    const text = [
      'قالت قيادة العمليات المشتركة إن القوات الأمريكية بدأت الانسحاب من قاعدة عين الأسد اليوم.',
      'وشهدت المحافظة هدوءاً أمنياً.',
      'وبموجب الاتفاق، من المقرر أن تغادر القوات الأمريكية قاعدة عين الأسد بحلول منتصف أيلول.',
    ].join(' ');
    const m = first(text, '2025-08-20', 'ain-al-asad-exit');
    expect(m.mentions.map((x) => [x.stance, x.background])).toEqual([
      ['started', false],
      ['scheduled', true],
    ]);
    expect(m.stance).toBe('started');
  });
});

describe('subjects', () => {
  // [text, milestones]
  const rows: [string, string[]][] = [
    ['U.S. forces began leaving Ain al-Asad.', ['ain-al-asad-exit']],
    ['The U.S.-led coalition will end its mission in federal Iraq by September.', ['coalition-mission-end']],
    ['بدأت القوات الأمريكية الانسحاب من القاعدة الجوية في ناحية البغدادي.', ['ain-al-asad-exit']],
    ['غادر مستشارو التحالف مقرهم في المنطقة الخضراء.', ['baghdad-exit']],
    ['Coalition advisers left Baghdad for the north.', ['baghdad-exit']],
    ['ستبقى القوات الأمريكية في أربيل حتى أيلول 2026.', ['harir-exit']],
    // arriving in Erbil is leaving federal Iraq, not Kurdistan
    ['وصلت قوات أمريكية منسحبة من قاعدة عين الأسد إلى أربيل.', ['ain-al-asad-exit']],
    ['US troops withdrawing from Victory Base were redeployed to Harir air base.', ['baghdad-exit']],
    // a statement about one base leaves the other one named beside it without one
    ['أصبحت قاعدة حرير آخر موقع للقوات الأمريكية في البلاد بعد إخلاء عين الأسد.', ['ain-al-asad-exit']],
    // an airport closing for fog is no milestone
    ['Erbil International Airport closed for three hours because of fog.', []],
    // a statement cut off by a contrasting clause is about the other places
    ['سلّم التحالف قاعدتي القائم والتاجي للقوات العراقية عام 2020، فيما بقيت القوات الأمريكية في عين الأسد.', []],
    // the coalition's presence in Iraq is its mission by another name
    ['Baghdad set up a committee to schedule the end of the coalition presence in Iraq.', ['coalition-mission-end']],
    // a base after "near" is a landmark, not what forces leave
    ['Parliament called for an end to the presence of foreign troops after a strike near Baghdad airport.', []],
    // a statement in the next sentence needs troops or bases in one of the two
    ['وصل المشاركون عبر مطار أربيل الدولي. وشهد المعرض انسحاب ثلاثة مشاركين.', []],
    ['تتمركز طائرات عسكرية أمريكية في مطار أربيل منذ سنوات. ومن المقرر انسحاب القوات منه في أيلول 2026.', ['harir-exit']],
    // a US or coalition base in Erbil, and troops named in the sentence before
    ['ستبقى القاعدة الأمريكية في أربيل حتى أيلول 2026.', ['harir-exit']],
    ['قالت واشنطن إن التعاون سيستمر. وسيبقى عدد من المستشارين في إقليم كردستان حتى أيلول 2026.', ['harir-exit']],
    ['وسيبقى عدد من المستشارين في إقليم كردستان حتى أيلول 2026.', []],
    // the agreement's words for the mission
    ["Under the deal, the coalition's military mission ends by September 2025.", ['coalition-mission-end']],
    ['ينص الاتفاق على انتهاء المهمة العسكرية للتحالف بحلول أيلول 2025.', ['coalition-mission-end']],
    // names that need a base or troop word beside them
    ['The drawdown from Al Asad was under way, CENTCOM said.', ['ain-al-asad-exit']],
    ['بدأ انسحاب القوات الأمريكية من قاعدتي عين الأسد وفكتوريا.', ['ain-al-asad-exit', 'baghdad-exit']],
    ['أخلت القوات الأمريكية مقر الاتحاد 3 وسلمته للحكومة.', ['baghdad-exit']],
    ['بدأت قوات التحالف نقل معداتها من قاعدة حرير إلى خارج العراق.', ['harir-exit']],
  ];
  it.each(rows)('%s', (text, ids) => expect(matchMilestones(compiled, text, '2025-10-01').map((m) => m.id).sort()).toEqual(ids));
});

describe('nobody left, an ending told as a state, forces seen on the move', () => {
  const rows: Row[] = [
    ['لم يعد في قاعدة حرير أي جندي أمريكي.', '2026-10-05', 'harir-exit', 'completed'],
    ['قاعدة عين الأسد التي أخلاها الأمريكيون تستقبل اليوم وحدات عراقية.', '2026-01-20', 'ain-al-asad-exit', 'completed'],
    ['No US troops remain at Harir air base, a Kurdish official said.', '2026-10-05', 'harir-exit', 'completed'],
    ["The coalition's mission in Iraq is over, the spokesman said.", '2025-10-05', 'coalition-mission-end', 'completed'],
    ['The Iraqi army has held sole control of Al-Asad since January.', '2026-02-01', 'ain-al-asad-exit', 'completed'],
    ['الجيش العراقي يتسلم مقر يونيون الثالث بعد إخلائه.', '2025-09-29', 'baghdad-exit', 'completed'],
    ['شوهدت أرتال عسكرية أمريكية خارجة من قاعدة عين الأسد صباح اليوم.', '2025-08-26', 'ain-al-asad-exit', 'started'],
    ['وصلت دفعات من الجنود الأمريكيين قادمة من معسكر فكتوريا إلى أربيل.', '2025-08-31', 'baghdad-exit', 'started'],
    // supposed to: a plan, even before a completed cue
    ['Next year is supposed to see the last US troops leave Harir air base.', '2025-11-01', 'harir-exit', 'scheduled'],
    ['يُفترض أن يغادر آخر الجنود الأمريكيين قاعدة حرير العام المقبل.', '2025-11-01', 'harir-exit', 'scheduled'],
  ];
  it.each(rows)('%s', (text, published, id, stance) => expect(first(text, published, id).stance).toBe(stance));
});

describe('two speakers in one sentence: the one nearest before the subject, in a clause of its own', () => {
  // [text, published, milestone, who]
  const rows: Row[] = [
    ['أكدت وزارة الدفاع العراقية أن تسليم مطار بغداد أُنجز، فيما نفى مسؤول أمريكي أن تكون القوات قد غادرت قاعدة حرير.', '2026-03-01', 'harir-exit', 'us-government'],
    ['أكدت وزارة الدفاع العراقية أن تسليم مطار بغداد أُنجز، فيما نفى مسؤول أمريكي أن تكون القوات قد غادرت قاعدة حرير.', '2026-03-01', 'baghdad-exit', 'iraqi-military'],
    // reported speech: the outer speaker speaks
    ['كشفت مصادر مطلعة أن الجانب الأمريكي أبلغ بغداد عزمه سحب قواته من قاعدة حرير قبل الموعد.', '2026-03-01', 'harir-exit', 'unnamed-sources'],
  ];
  it.each(rows)('%s → %s', (text, published, id, who) => expect(first(text, published, id).mentions[0]!.attribution?.who ?? null).toBe(who));
});
