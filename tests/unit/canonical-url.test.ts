/** Exact-duplicate keys: canonical URL, seen-index URL key and content hash. */
import { describe, expect, it } from 'vitest';
import { canonicalUrl, InvalidUrlError, urlKey } from '../../src/dedup/canonical-url.js';
import { contentHash } from '../../src/dedup/content-hash.js';

const ARABIC_SLUG = 'الانسحاب-الأمريكي';
const ARABIC_SLUG_ENCODED = encodeURIComponent(ARABIC_SLUG);

describe('canonicalUrl', () => {
  it.each([
    ['lower-cases scheme and host, keeps path case', 'HTTPS://WWW.Example.COM/News/A', 'https://www.example.com/News/A'],
    ['drops the default http port', 'http://example.com:80/a', 'http://example.com/a'],
    ['drops the default https port', 'https://example.com:443/a', 'https://example.com/a'],
    ['keeps a non-default port', 'https://example.com:8443/a', 'https://example.com:8443/a'],
    ['drops the fragment', 'https://example.com/a#comments', 'https://example.com/a'],
    ['drops an empty fragment and query', 'https://example.com/a?#', 'https://example.com/a'],
    ['removes a trailing slash', 'https://example.com/a/b/', 'https://example.com/a/b'],
    ['removes repeated trailing slashes', 'https://example.com/a//', 'https://example.com/a'],
    ['keeps the root slash', 'https://example.com', 'https://example.com/'],
    ['keeps the root slash with a query', 'https://example.com/?p=1', 'https://example.com/?p=1'],
    ['keeps www (a different host may serve different content)', 'https://www.example.com/a', 'https://www.example.com/a'],
    ['drops utm_* parameters', 'https://example.com/a?utm_source=tw&utm_medium=social&UTM_Campaign=x', 'https://example.com/a'],
    [
      'drops click ids and keeps content parameters',
      'https://example.com/news.php?id=42&fbclid=abc&gclid=1&msclkid=2&igshid=3&mc_cid=4&mc_eid=5&_ga=6&yclid=7',
      'https://example.com/news.php?id=42',
    ],
    ['drops ref and ref_src', 'https://example.com/a?ref=homepage&ref_src=twsrc&page=2', 'https://example.com/a?page=2'],
    ['drops cmpid and at_* campaign tags', 'https://example.com/a?cmpid=x&at_medium=y&at_campaign=z', 'https://example.com/a'],
    ['sorts parameters by name', 'https://example.com/a?z=1&b=2&a=3', 'https://example.com/a?a=3&b=2&z=1'],
    ['keeps the order of repeated names', 'https://example.com/a?tag=2&x=0&tag=1', 'https://example.com/a?tag=2&tag=1&x=0'],
    ['drops empty pairs', 'https://example.com/a?&&id=1&', 'https://example.com/a?id=1'],
    ['keeps %20 and + as written', 'https://example.com/s?q=a%20b&r=c+d', 'https://example.com/s?q=a%20b&r=c+d'],
    ['keeps reserved escapes encoded, upper-cased', 'https://example.com/a%2fb?x=%3d', 'https://example.com/a%2Fb?x=%3D'],
    ['decodes escaped unreserved characters', 'https://example.com/%7Euser/%41-b?k=%2E', 'https://example.com/~user/A-b?k=.'],
    ['encodes a raw Arabic path', `https://example.com/news/${ARABIC_SLUG}`, `https://example.com/news/${ARABIC_SLUG_ENCODED}`],
    ['keeps an encoded Arabic path', `https://example.com/news/${ARABIC_SLUG_ENCODED}`, `https://example.com/news/${ARABIC_SLUG_ENCODED}`],
    [
      'upper-cases lower-case escapes of an Arabic path',
      `https://example.com/news/${ARABIC_SLUG_ENCODED.toLowerCase()}`,
      `https://example.com/news/${ARABIC_SLUG_ENCODED}`,
    ],
    [
      'encodes a raw Arabic query value',
      'https://example.com/search?q=العراق',
      `https://example.com/search?q=${encodeURIComponent('العراق')}`,
    ],
    ['punycodes an Arabic host', 'https://مثال.إختبار/خبر', `https://xn--mgbh0fb.xn--kgbechtv/${encodeURIComponent('خبر')}`],
    ['drops a trailing dot of the host', 'https://example.com./a', 'https://example.com/a'],
    ['drops credentials', 'https://user:secret@example.com/a', 'https://example.com/a'],
    ['resolves dot segments', 'https://example.com/a/./b/../c', 'https://example.com/a/c'],
    ['trims surrounding whitespace', '  https://example.com/a \n', 'https://example.com/a'],
    ['keeps AMP markers (same article, different resource)', 'https://example.com/a/amp?output=amp', 'https://example.com/a/amp?output=amp'],
  ])('%s', (_, input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });

  it('makes raw, encoded and lower-case-encoded Arabic URLs equal', () => {
    const forms = [
      `https://www.aljazeera.net/news/2025/9/1/${ARABIC_SLUG}`,
      `https://www.aljazeera.net/news/2025/9/1/${ARABIC_SLUG_ENCODED}`,
      `https://WWW.ALJAZEERA.NET:443/news/2025/9/1/${ARABIC_SLUG_ENCODED.toLowerCase()}/?utm_source=x#top`,
    ];
    expect(new Set(forms.map(canonicalUrl)).size).toBe(1);
  });

  it('is idempotent', () => {
    for (const u of [
      `https://example.com/news/${ARABIC_SLUG}?b=1&a=%d8%b9&utm_source=x#f`,
      'http://EXAMPLE.com:80/a%2fb/?q=a%20b&r=c+d',
    ]) {
      expect(canonicalUrl(canonicalUrl(u))).toBe(canonicalUrl(u));
    }
  });

  it.each([
    ['empty string', ''],
    ['relative path', '/news/1'],
    ['no scheme', 'example.com/news'],
    ['ftp scheme', 'ftp://example.com/file'],
    ['mailto', 'mailto:desk@example.com'],
    ['javascript', 'javascript:alert(1)'],
    ['data URL', 'data:text/plain,hello'],
    ['invalid host', 'https://exa mple.com/'],
    ['invalid port', 'https://example.com:99999/'],
  ])('rejects %s with InvalidUrlError carrying the input', (_, input) => {
    expect(() => canonicalUrl(input)).toThrow(InvalidUrlError);
    try {
      canonicalUrl(input);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidUrlError);
      expect((error as InvalidUrlError).input).toBe(input);
      expect((error as InvalidUrlError).name).toBe('InvalidUrlError');
    }
  });
});

describe('urlKey', () => {
  it.each([
    ['drops the scheme', 'https://example.com/a', 'example.com/a'],
    ['folds http and https', 'http://example.com/a', 'example.com/a'],
    ['drops www.', 'https://www.example.com/a', 'example.com/a'],
    ['drops m.', 'https://m.example.com/a', 'example.com/a'],
    ['drops mobile.', 'https://mobile.example.com/a', 'example.com/a'],
    ['drops amp.', 'https://amp.example.com/a', 'example.com/a'],
    ['keeps m. when it is the whole name', 'https://m.com/a', 'm.com/a'],
    ['drops only one prefix', 'https://www.m.example.com/a', 'm.example.com/a'],
    ['keeps other subdomains', 'https://arabic.example.com/a', 'arabic.example.com/a'],
    ['drops an /amp suffix', 'https://example.com/news/123/amp', 'example.com/news/123'],
    ['drops an /amp/ suffix', 'https://example.com/news/123/amp/', 'example.com/news/123'],
    ['drops an /amp/ prefix', 'https://www.alarabiya.net/amp/arab-and-world/iraq/x', 'alarabiya.net/arab-and-world/iraq/x'],
    ['turns /amp alone into the root', 'https://example.com/amp', 'example.com/'],
    ['keeps amp inside a segment', 'https://example.com/news/amplifier', 'example.com/news/amplifier'],
    ['drops ?amp', 'https://example.com/a?amp', 'example.com/a'],
    ['drops ?amp=1', 'https://example.com/a?amp=1&id=3', 'example.com/a?id=3'],
    ['drops ?output=amp', 'https://example.com/a?output=amp', 'example.com/a'],
    ['keeps other output values', 'https://example.com/a?output=print', 'example.com/a?output=print'],
    ['keeps a non-default port', 'http://example.com:8080/a', 'example.com:8080/a'],
  ])('%s', (_, input, expected) => {
    expect(urlKey(input)).toBe(expected);
  });

  it('gives the desktop, mobile and AMP renderings of one Arabic article one key', () => {
    const forms = [
      `https://www.example.com/iraq/${ARABIC_SLUG}`,
      `http://m.example.com/iraq/${ARABIC_SLUG_ENCODED}/`,
      `https://amp.example.com/iraq/${ARABIC_SLUG_ENCODED.toLowerCase()}/amp?utm_source=tw`,
      `https://www.example.com/amp/iraq/${ARABIC_SLUG}?output=amp#x`,
    ];
    expect(new Set(forms.map(urlKey))).toEqual(new Set([`example.com/iraq/${ARABIC_SLUG_ENCODED}`]));
  });

  it('keeps distinct articles distinct', () => {
    expect(urlKey('https://example.com/news.php?id=1')).not.toBe(urlKey('https://example.com/news.php?id=2'));
    expect(urlKey('https://example.com/a')).not.toBe(urlKey('https://example.org/a'));
  });

  it('rejects invalid input with InvalidUrlError', () => {
    expect(() => urlKey('not a url')).toThrow(InvalidUrlError);
  });
});

describe('contentHash', () => {
  it.each([
    ['collapses whitespace runs and trims', 'انسحاب  القوات\n\tمن   العراق ', 'انسحاب القوات من العراق'],
    ['treats a token array as the space-joined text', ['انسحاب', 'القوات', 'من', 'العراق'], 'انسحاب القوات من العراق'],
    ['collapses non-breaking spaces', 'a\u00a0b', 'a b'],
  ])('%s', (_, input, same) => {
    expect(contentHash(input)).toBe(contentHash(same));
  });

  it('is sha256 hex of the UTF-8 text', () => {
    expect(contentHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('distinguishes different texts', () => {
    expect(contentHash('القوات الأمريكية')).not.toBe(contentHash('القوات الامريكية'));
  });
});
