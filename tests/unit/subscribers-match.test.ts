/** Subscriber filters: each non-empty list must accept the alert; outlets compare by slug. */
import { describe, expect, it } from 'vitest';
import type { SubscriberFilters } from '../../src/alerts/model.js';
import { matchesFilters, outletSlug, type AlertFacts } from '../../src/subscribers/match.js';

const ANY: SubscriberFilters = { milestones: [], bases: [], topics: [], languages: [], outlets: [] };
const FACTS: AlertFacts = { milestone: 'ain-al-asad-exit', bases: ['ain-al-asad', 'harir'], topics: ['withdrawal'], language: 'ar', outlet: 'Erem News' };

describe('matchesFilters', () => {
  const cases: [string, Partial<SubscriberFilters>, Partial<AlertFacts>, boolean][] = [
    ['no filters: every alert', {}, {}, true],
    ['the milestone listed', { milestones: ['harir-exit', 'ain-al-asad-exit'] }, {}, true],
    ['another milestone', { milestones: ['harir-exit'] }, {}, false],
    ['bases: one overlap is enough', { bases: ['harir', 'al-tanf'] }, {}, true],
    ['bases: no overlap', { bases: ['al-tanf'] }, {}, false],
    ['bases: an alert without bases', { bases: ['harir'] }, { bases: [] }, false],
    ['topics: overlap', { topics: ['withdrawal', 'iran'] }, {}, true],
    ['topics: none shared', { topics: ['iran'] }, {}, false],
    ['language listed', { languages: ['en', 'ar'] }, {}, true],
    ['language not listed', { languages: ['en'] }, {}, false],
    ['undetermined language against a language filter', { languages: ['ar'] }, { language: 'und' }, false],
    ['outlet by its name', { outlets: ['Erem News'] }, {}, true],
    ['outlet in another case', { outlets: ['erem NEWS'] }, {}, true],
    ['outlet by slug', { outlets: ['erem-news'] }, {}, true],
    ['outlet slug against a hyphenated name', { outlets: ['al-jazeera'] }, { outlet: 'Al-Jazeera' }, true],
    ['outlet in Arabic', { outlets: ['شفق نيوز'] }, { outlet: 'شفق  نيوز' }, true],
    ['another outlet', { outlets: ['shafaq-news'] }, {}, false],
    ['a longer name is another outlet', { outlets: ['erem'] }, {}, false],
    ['an alert whose outlet is unknown', { outlets: ['erem-news'] }, { outlet: null }, false],
    ['every filter accepts', { milestones: ['ain-al-asad-exit'], bases: ['harir'], topics: ['withdrawal'], languages: ['ar'], outlets: ['erem-news'] }, {}, true],
    ['one filter refuses', { milestones: ['ain-al-asad-exit'], bases: ['harir'], topics: ['withdrawal'], languages: ['en'], outlets: ['erem-news'] }, {}, false],
  ];
  it.each(cases)('%s', (_name, filters, facts, expected) => {
    expect(matchesFilters({ ...ANY, ...filters }, { ...FACTS, ...facts })).toBe(expected);
  });
});

describe('outletSlug', () => {
  it.each([
    ['Erem News', 'erem-news'],
    ['  Rudaw (English) ', 'rudaw-english'],
    ['Al-Monitor', 'al-monitor'],
    ['Kurdistan24', 'kurdistan24'],
    ['ＢＢＣ عربي', 'bbc-عربي'],
  ])('%s → %s', (name, slug) => expect(outletSlug(name)).toBe(slug));
});
