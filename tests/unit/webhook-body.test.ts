import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/model.js';
import type { DuplicateRef } from '../../src/model.js';
import { WEBHOOK_SCHEMA_VERSION, webhookBody } from '../../src/deliver/webhook.js';
import { STARTED_REPORT } from '../fixtures/alert-assessment.js';

const sentence = 'وأكد المسؤول أن القوات الأمريكية ستنسحب من قاعدة عين الأسد بحلول منتصف أيلول.';

const ARTICLE_OFFSET = 120;
/** Evidence as the matcher records it: offsets into the stored article text. */
const at = (surface: string, term: string) => {
  const start = ARTICLE_OFFSET + sentence.indexOf(surface);
  return { start, end: start + surface.length, text: surface, term };
};

const alert: Alert = {
  id: 'al-5f3a9c0e1b2d4a67',
  milestone: {
    id: 'ain-al-asad-exit',
    title: { ar: 'إخلاء قاعدة عين الأسد من القوات الأمريكية وقوات التحالف', en: 'US and coalition forces vacate Ain al-Asad Air Base' },
    due: '2025-09-15',
    bases: ['ain-al-asad'],
  },
  article: {
    id: '9e107d9d372bb682',
    title: 'القوات الأمريكية تبدأ الانسحاب من عين الأسد',
    source: 'شفق نيوز',
    url: 'https://shafaq.com/ar/سياسة/انسحاب-عين-الأسد',
    published: '2025-08-23',
    language: 'ar',
  },
  evidence: [
    {
      text: sentence,
      start: ARTICLE_OFFSET,
      end: ARTICLE_OFFSET + sentence.length,
      matches: [at('ستنسحب', 'تنسحب*'), at('عين الأسد', 'عين الأسد')],
    },
  ],
  ...STARTED_REPORT,
  tags: { bases: ['ain-al-asad'], topics: ['withdrawal'] },
  firstSeen: '2025-08-23T09:14:02.511Z',
  createdAt: '2025-08-23T09:14:03.020Z',
  baseline: false,
};

const reprint: DuplicateRef = {
  id: '4a7d1ed414474e40',
  source: 'السومرية نيوز',
  url: 'https://www.alsumaria.tv/news/politics/123',
  title: null,
  published: '2025-08-23',
  match: 'near',
  similarity: 0.82,
};

describe('webhookBody', () => {
  it('milestone.mentioned: the documented schema, in a stable key order', () => {
    const body = webhookBody({ kind: 'immediate', alert, alsoReportedBy: [reprint] });
    expect(JSON.stringify(body, null, 2)).toMatchInlineSnapshot(`
      "{
        "type": "milestone.mentioned",
        "version": 1,
        "id": "al-5f3a9c0e1b2d4a67",
        "timestamp": "2025-08-23T09:14:03.020Z",
        "data": {
          "alert": {
            "id": "al-5f3a9c0e1b2d4a67",
            "milestone": {
              "id": "ain-al-asad-exit",
              "title": {
                "ar": "إخلاء قاعدة عين الأسد من القوات الأمريكية وقوات التحالف",
                "en": "US and coalition forces vacate Ain al-Asad Air Base"
              },
              "due": "2025-09-15",
              "bases": [
                "ain-al-asad"
              ]
            },
            "article": {
              "id": "9e107d9d372bb682",
              "title": "القوات الأمريكية تبدأ الانسحاب من عين الأسد",
              "source": "شفق نيوز",
              "url": "https://shafaq.com/ar/سياسة/انسحاب-عين-الأسد",
              "published": "2025-08-23",
              "language": "ar"
            },
            "evidence": [
              {
                "text": "وأكد المسؤول أن القوات الأمريكية ستنسحب من قاعدة عين الأسد بحلول منتصف أيلول.",
                "matches": [
                  {
                    "text": "ستنسحب",
                    "term": "تنسحب*"
                  },
                  {
                    "text": "عين الأسد",
                    "term": "عين الأسد"
                  }
                ]
              }
            ],
            "tags": {
              "bases": [
                "ain-al-asad"
              ],
              "topics": [
                "withdrawal"
              ]
            },
            "firstSeen": "2025-08-23T09:14:02.511Z",
            "alsoReportedBy": [
              {
                "id": "4a7d1ed414474e40",
                "source": "السومرية نيوز",
                "url": "https://www.alsumaria.tv/news/politics/123",
                "title": null,
                "published": "2025-08-23"
              }
            ],
            "stance": "started",
            "attribution": {
              "who": "joint-operations-command",
              "name": {
                "ar": "قيادة العمليات المشتركة",
                "en": "the Joint Operations Command"
              }
            },
            "hedged": false,
            "eventDate": "2025-08-22",
            "assessment": {
              "before": {
                "status": "scheduled",
                "since": "2024-09-27",
                "contradictions": 0,
                "summary": {
                  "en": "scheduled: reported by 1 outlet since 27 Sept 2024",
                  "ar": "مجدول: بحسب وسيلة إعلام واحدة"
                }
              },
              "after": {
                "status": "started",
                "since": "2025-08-22",
                "contradictions": 0,
                "summary": {
                  "en": "started: reported by 1 outlet since 22 Aug 2025, first by the Joint Operations Command",
                  "ar": "بدأ: بحسب وسيلة إعلام واحدة"
                }
              }
            },
            "statusChange": true,
            "storyId": null
          }
        }
      }"
    `);
  });

  it('keeps offsets, baseline and match details out of the contract', () => {
    const json = JSON.stringify(webhookBody({ kind: 'immediate', alert, alsoReportedBy: [reprint] }));
    for (const internal of ['"start"', '"end"', '"baseline"', '"createdAt"', '"similarity"', '"match"']) {
      expect(json).not.toContain(internal);
    }
    expect(JSON.parse(json).version).toBe(WEBHOOK_SCHEMA_VERSION);
  });

  it('milestone.digest: the delivery id and window, the same alert objects', () => {
    const immediate = webhookBody({ kind: 'immediate', alert, alsoReportedBy: [reprint] });
    const digest = webhookBody({
      kind: 'digest',
      id: 'dl-0f1e2d3c4b5a6978',
      createdAt: '2025-08-24T06:00:00.104Z',
      window: { from: '2025-08-23T06:00:00.000Z', to: '2025-08-24T06:00:00.000Z' },
      alerts: [{ alert, alsoReportedBy: [reprint] }],
    });
    expect(digest).toEqual({
      type: 'milestone.digest',
      version: 1,
      id: 'dl-0f1e2d3c4b5a6978',
      timestamp: '2025-08-24T06:00:00.104Z',
      data: {
        window: { from: '2025-08-23T06:00:00.000Z', to: '2025-08-24T06:00:00.000Z' },
        alerts: [immediate.data.alert],
      },
    });
  });
});
