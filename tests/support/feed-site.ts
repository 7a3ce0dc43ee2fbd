import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FixtureArticle } from '../fixtures/feed-site/articles.js';

/**
 * A news site on loopback for feed tests: an RSS feed with ETag / If-None-Match, article pages with
 * the usual furniture around the article, robots.txt. It counts requests per path.
 */
export class FeedSite {
  readonly requests = new Map<string, number>();
  private server: Server | null = null;
  private feedBody = '';
  private etag = '';
  baseUrl = '';

  /** `now`: when given, items are dated an hour apart before it (fresh reporting), instead of their own dates. */
  constructor(
    private readonly articles: FixtureArticle[],
    private readonly now?: Date,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    this.setArticles(this.articles);
  }

  /** Replaces what the feed lists (a new ETag when it changes). */
  setArticles(articles: FixtureArticle[]): void {
    const now = this.now;
    const dated = now ? articles.map((a, i) => ({ ...a, date: new Date(now.getTime() - (i + 1) * 3600_000).toUTCString() })) : articles;
    this.articles.splice(0, this.articles.length, ...dated);
    this.feedBody = rss(this.baseUrl, this.articles);
    this.etag = `"${this.articles.length}-${this.feedBody.length}"`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  count(path: string): number {
    return this.requests.get(path) ?? 0;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', this.baseUrl).pathname;
    this.requests.set(path, this.count(path) + 1);
    if (path === '/robots.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private/\n');
      return;
    }
    if (path === '/feed.xml') {
      if (req.headers['if-none-match'] === this.etag) {
        res.writeHead(304, { etag: this.etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: this.etag }).end(this.feedBody);
      return;
    }
    const article = this.articles.find((a) => path === `/news/${a.slug}.html`);
    if (!article) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(this.baseUrl, article));
  }
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function rss(base: string, articles: FixtureArticle[]): string {
  const items = articles
    .map(
      (a) => `    <item>
      <title>${escape(a.title)}</title>
      <link>${base}/news/${a.slug}.html</link>
      <guid isPermaLink="false">fixture-${a.slug}</guid>
      <pubDate>${a.date}</pubDate>
      <description>${escape(a.paragraphs[0]!.slice(0, 120))}…</description>
    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>موقع الاختبار الإخباري</title>
    <link>${base}/</link>
    <description>آخر الأخبار</description>
    <language>ar</language>
${items}
  </channel>
</rss>
`;
}

function page(base: string, a: FixtureArticle): string {
  const iso = new Date(a.date).toISOString();
  return `<!doctype html>
<html lang="ar" dir="rtl">
<head>
  <meta charset="utf-8">
  <title>${escape(a.title)} | موقع الاختبار</title>
  <link rel="canonical" href="${base}/news/${a.slug}.html">
  <meta property="og:title" content="${escape(a.title)}">
  <meta property="article:published_time" content="${iso}">
</head>
<body>
  <header><nav><a href="/">الرئيسية</a> <a href="/iraq">العراق</a> <a href="/world">عربي ودولي</a> <a href="/sport">رياضة</a></nav></header>
  <div class="breadcrumbs"><a href="/">الرئيسية</a> &gt; <a href="/iraq">العراق</a></div>
  <main>
    <article>
      <h1>${escape(a.title)}</h1>
      <div class="meta"><time datetime="${iso}">${iso.slice(0, 10)}</time></div>
      <div class="share"><a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a></div>
      ${a.paragraphs.map((p) => `<p>${escape(p)}</p>`).join('\n      ')}
    </article>
    <aside class="related"><h3>اقرأ أيضاً</h3><ul><li><a href="/x1">أسعار الذهب في الأسواق المحلية</a></li><li><a href="/x2">نتائج الامتحانات الوزارية</a></li></ul></aside>
  </main>
  <footer><p>جميع الحقوق محفوظة لموقع الاختبار 2025</p></footer>
</body>
</html>
`;
}
