import { readFileSync } from 'node:fs';
import { extractHtmlDocument } from '../src/extract/html-document.js';
const base = readFileSync('tests/fixtures/html/ar-wordpress-share-related-comments.html', 'utf8');
const script = `<script>${'var a=1;function f(){return "x"};'.repeat(4000)}</script>`;
const menu = `<ul class="mega-menu">${Array.from({ length: 300 }, (_, i) => `<li><a href="/c/${i}"><span>قسم رقم ${i}</span></a></li>`).join('')}</ul>`;
const related = `<div class="grid">${Array.from({ length: 120 }, (_, i) => `<div class="card"><a href="/n/${i}"><img src="/t/${i}.jpg"><h3>عنوان خبر آخر رقم ${i} عن موضوع مختلف</h3></a><span class="date">منذ ${i} ساعة</span></div>`).join('')}</div>`;
const big = base.replace('<body', `<body`).replace('</head>', `${script}${script}</head>`).replace('<div class="container">', `${menu}<div class="container">`).replace('</body>', `${related}${script}</body>`);
console.log('bytes', Buffer.byteLength(big));
for (let i = 0; i < 5; i++) extractHtmlDocument(big);
const t = performance.now();
for (let i = 0; i < 20; i++) extractHtmlDocument(big);
console.log('ms/page', ((performance.now() - t) / 20).toFixed(2), extractHtmlDocument(big).text.length);
import { load } from 'cheerio';
{
  const t = performance.now();
  for (let i = 0; i < 20; i++) load(big, { xml: { xmlMode: false, decodeEntities: true } });
  console.log('parse ms', ((performance.now() - t) / 20).toFixed(2));
}
