/** config/feeds.yaml: the shipped list validates; mistakes are named with file:line and key. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseYamlConfig } from '../../src/config/yaml-file.js';
import { FeedsConfigSchema, feedsConfigSchema, readFeedsConfig } from '../../src/feeds/schema.js';

const SHIPPED = fileURLToPath(new URL('../../config/feeds.yaml', import.meta.url));

function problems(text: string, schema = FeedsConfigSchema): string[] {
  try {
    parseYamlConfig('feeds.yaml', text, schema);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const entry = (id: string, extra = '') => `  - id: ${id}\n    url: https://example.com/${id}/rss\n    name: Example\n    language: ar\n${extra}`;

describe('shipped config/feeds.yaml', () => {
  const { feeds } = readFeedsConfig(SHIPPED);

  it('validates and lists Arabic and English feeds', () => {
    expect(feeds.length).toBeGreaterThanOrEqual(20);
    expect(new Set(feeds.map((f) => f.language))).toEqual(new Set(['ar', 'en']));
  });

  it('covers the outlets of this story', () => {
    const ids = feeds.map((f) => f.id);
    for (const id of ['shafaq-ar', 'shafaq-en', 'rudaw-ar', 'rudaw-en', 'kurdistan24-en', 'alsumaria-ar', 'bbc-arabic', 'aljazeera-ar', 'aljazeera-en', 'dod-news-en', 'centcom-en']) {
      expect(ids).toContain(id);
    }
  });

  it('marks every URL unverified and says where it came from', () => {
    for (const f of feeds) {
      expect(f.verified, f.id).toBe(false);
      expect(f.notes?.length ?? 0, f.id).toBeGreaterThan(10);
    }
  });
});

describe('feeds.yaml validation', () => {
  it('converts intervals to seconds and fills defaults', () => {
    const cfg = parseYamlConfig(
      'feeds.yaml',
      `feeds:\n${entry('a', '    interval: 15m\n    rules:\n      article: "div.article-body"\n')}${entry('b', '    interval: 2h\n')}${entry('c')}`,
      FeedsConfigSchema,
    );
    expect(cfg.feeds.map((f) => [f.id, f.interval, f.verified])).toEqual([
      ['a', 900, false],
      ['b', 7200, false],
      ['c', undefined, false],
    ]);
    expect(cfg.feeds[0]!.rules).toEqual({ article: 'div.article-body', remove: [] });
  });

  it('names line, key and fix for every mistake in an entry', () => {
    const text = [
      'feeds:',
      '  - id: Shafaq_AR', // 2
      '    url: ftp://shafaq.com/ar/rss', // 3
      '    name: Shafaq News',
      '    language: fr', // 5
      '    interval: 90s', // 6
      '  - id: rudaw-ar',
      '    url: https://www.rudaw.net/arabic/rss',
      '    name: ""', // 9
      '    language: ar',
      '    interval: 1m', // 11
      '    verified: yes', // 12
      '    rules:',
      '      article: "div["', // 14
      '      remove: ["::before"]', // 15
      '    colour: red', // 16
      '  - id: kurdistan24-ar',
      '    url: https://www.kurdistan24.net/ar/rss',
      '    name: Kurdistan24',
      '    language: ar',
      '    interval: 900', // 21
      '  - id: k24-en',
      '    url: https://www.kurdistan24.net/en/rss',
      '    language: en', // no name
      '    interval: 7h', // 25
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      'line 2: feeds[0].id: must be kebab-case: lower-case letters and digits joined by single hyphens, e.g. "shafaq-ar"',
      'line 3: feeds[0].url: must be an absolute http:// or https:// URL',
      'line 5: feeds[0].language: must be "ar" or "en"',
      'line 6: feeds[0].interval: must be whole minutes or hours, such as "15m" or "2h"',
      'line 9: feeds[1].name: must name the outlet',
      'line 11: feeds[1].interval: must be between 5m and 6h (settings.yaml feeds.minIntervalSeconds/maxIntervalSeconds)',
      'line 12: feeds[1].verified: must be true or false',
      expect.stringMatching(/^line 14: feeds\[1\]\.rules\.article: is not a CSS selector the cleaner can use: /),
      expect.stringMatching(/^line 15: feeds\[1\]\.rules\.remove\[0\]: is not a CSS selector the cleaner can use: Pseudo-elements/),
      'line 16: feeds[1]: Unrecognized key: "colour"',
      'line 21: feeds[2].interval: must be a duration string such as "15m" or "2h"',
      'line 22: feeds[3].name: Invalid input: expected string, received undefined',
      'line 25: feeds[3].interval: must be between 5m and 6h (settings.yaml feeds.minIntervalSeconds/maxIntervalSeconds)',
    ]);
  });

  it('refuses duplicate ids and duplicate URLs', () => {
    const text = `feeds:\n${entry('a')}${entry('a')}  - id: b\n    url: https://example.com/a/rss\n    name: Example\n    language: en\n`;
    expect(problems(text)).toEqual(['line 6: feeds[1].id: duplicate id "a" (also feeds[0])', 'line 7: feeds[1].url: same URL as feeds[0]', 'line 11: feeds[2].url: same URL as feeds[0]']);
  });

  it('accepts an empty list (the file is optional: no feeds), refuses unknown top-level keys', () => {
    expect(parseYamlConfig('feeds.yaml', 'feeds: []\n', feedsConfigSchema()).feeds).toEqual([]);
    expect(parseYamlConfig('feeds.yaml', 'feeds:\n#  - id: a\n', feedsConfigSchema()).feeds).toEqual([]);
    expect(problems(`feeds:\n${entry('a')}sources: []\n`)).toEqual(['line 6: (top level): Unrecognized key: "sources"']);
  });

  it('checks intervals against the configured bounds', () => {
    const schema = feedsConfigSchema({ minIntervalSeconds: 60, maxIntervalSeconds: 24 * 3600 });
    expect(parseYamlConfig('feeds.yaml', `feeds:\n${entry('a', '    interval: 1m\n')}`, schema).feeds[0]!.interval).toBe(60);
    expect(problems(`feeds:\n${entry('a', '    interval: 25h\n')}`, schema)).toEqual([
      'line 6: feeds[0].interval: must be between 1m and 24h (settings.yaml feeds.minIntervalSeconds/maxIntervalSeconds)',
    ]);
  });

  it('names the file when it is missing', () => {
    expect(() => readFeedsConfig('/nonexistent/feeds.yaml')).toThrow(/\/nonexistent\/feeds\.yaml: invalid configuration\n {2}- the file is missing/);
  });
});
