// Small HTML helpers for the server-rendered dashboard: every value that comes from a feed, an article
// or the config goes through `esc` (attributes too), so reporting can never inject markup.
import { STANCE_STYLE } from './colours.js';
import { dirOf, t, type Lang, type Word } from './i18n.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** `lang`/`dir` for a block whose content is in `language`: Arabic reads right to left. */
export function langAttrs(language: string | null | undefined): string {
  if (language === 'ar') return ' lang="ar" dir="rtl"';
  if (language === 'en') return ' lang="en" dir="ltr"';
  return ' dir="auto"';
}

/** Arabic script anywhere in the text: used for values whose language is not recorded (titles, outlets). */
export function textLangAttrs(text: string | null | undefined): string {
  return /[\u0600-\u06ff]/.test(text ?? '') ? langAttrs('ar') : ' dir="auto"';
}

/** A bilingual label: English / Arabic, the Arabic part marked right to left. */
export function label(en: string, ar: string): string {
  return `${esc(en)} <span lang="ar" dir="rtl">${esc(ar)}</span>`;
}

/** A page heading: bilingual (English, then Arabic) on the English interface, Arabic alone on the Arabic one. */
export function heading(lang: Lang, word: Word): string {
  return lang === 'ar' ? esc(t('ar', word)) : label(t('en', word), t('ar', word));
}

/**
 * A date or time inside Arabic text, kept left to right: after an Arabic word, 2025-09-15 would otherwise be
 * laid out as 15-09-2025 (the bidi algorithm reads its digits as Arabic numbers). Unicode isolates, so it works
 * in SVG text and tooltips too.
 */
export function ltrIn(lang: Lang, text: string): string {
  return lang === 'ar' ? `\u2066${text}\u2069` : text;
}

/** A time as an ISO string in a <time> element, shortened for reading; "-" when unknown. */
export function time(iso: string | null | undefined): string {
  if (!iso) return '-';
  const shown = iso.length > 16 ? iso.slice(0, 16).replace('T', ' ') : iso;
  return `<time datetime="${esc(iso)}">${esc(shown)}</time>`;
}

/** "3 min", "2 h 5 min": an age or a wait, for people. */
export function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d`;
}

export interface LayoutOptions {
  title: string;
  body: string;
  /** The CSP nonces of this response (@fastify/helmet's `reply.cspNonce`), when the server's CSP uses them. */
  nonce?: { script?: string; style?: string } | undefined;
  /** Scripts of the page, served by the pages routes (no inline script: works with any script-src 'self'). */
  scripts?: string[];
  /** The interface language (`<html lang dir>`, the navigation); English when not given. */
  lang?: Lang;
  /** The navigation entry of this page, marked as the current one. */
  active?: NavEntry;
  /** Where the language switch leads: this page with `lang=` the other language. */
  switchHref?: string;
}

export type NavEntry = 'overview' | 'health' | 'alerts' | 'deliveries' | 'articles';

const NAV: { entry: NavEntry; href: string; word: Word }[] = [
  { entry: 'overview', href: '/', word: 'overview' },
  { entry: 'health', href: '/health', word: 'health' },
  { entry: 'alerts', href: '/alerts', word: 'alerts' },
  { entry: 'deliveries', href: '/deliveries', word: 'deliveries' },
  { entry: 'articles', href: '/articles', word: 'articles' },
];

// System fonts only (closed network, no web fonts): an Arabic face first for Arabic text, then the platform's UI face.
const LATIN_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif';
const ARABIC_FONTS = '"Noto Sans Arabic","Noto Naskh Arabic","Segoe UI","Geeza Pro","Tahoma","DejaVu Sans",sans-serif';

const STYLE = `:root{--ink:#1b1f24;--muted:#5f6b7a;--line:#e3e6ea;--bg:#f5f6f8;--card:#fff;--accent:#1c5d99;--ok:#17602b;--ok-bg:#e2f5e6;--bad:#8a1c17;--bad-bg:#fde2e1;--warn:#7a5b00;--warn-bg:#fff3cd;--idle:#495057;--idle-bg:#e9ecef}
*{box-sizing:border-box}li[dir="rtl"]{list-style-position:inside}html{-webkit-text-size-adjust:100%}
body{font:14px/1.5 ${LATIN_FONTS};margin:0;color:var(--ink);background:var(--bg)}
:lang(ar){font-family:${ARABIC_FONTS};line-height:1.75}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
.top{background:#14263b;color:#fff}@media (min-width:701px){.top{position:sticky;top:0;z-index:5}}
.top-in{max-width:84rem;margin:0 auto;padding:.45rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:.3rem 1.2rem}
.brand{margin:0;font-size:1.15rem;font-weight:700;white-space:nowrap}.brand a{color:#fff}.brand span{opacity:.75;font-weight:500;margin-inline-start:.35rem}
.top nav{display:flex;flex-wrap:wrap;gap:.15rem;flex:1 1 auto;min-width:0}
.top nav a{color:#d5deea;padding:.25rem .6rem;border-radius:.35rem;white-space:nowrap}.top nav a:hover{background:#23405f;text-decoration:none}
.top nav a[aria-current="page"]{background:#fff;color:#14263b;font-weight:600}
.switch{color:#fff;border:1px solid #5b7595;border-radius:.35rem;padding:.15rem .6rem;white-space:nowrap}
main{max-width:84rem;margin:0 auto;padding:.6rem 1rem 3rem;overflow-wrap:anywhere}main main{padding:0}
h2{font-size:1.12rem;margin:1.4rem 0 .5rem;display:flex;flex-wrap:wrap;align-items:baseline;gap:.2rem .7rem}h2 .more{font-size:.85rem;font-weight:400}
h3{font-size:1rem;margin:.2rem 0 .4rem}
section.panel{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.2rem 1rem .8rem;margin:0 0 1rem}
.table-wrap{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%}
th,td{padding:.35rem .5rem;border-bottom:1px solid var(--line);text-align:start;vertical-align:top;overflow-wrap:anywhere}
thead th{background:#f0f2f5;font-weight:600;font-size:.85rem;color:#37414d;white-space:nowrap}td.n,th.n{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}
.flag{display:inline-block;padding:0 .45rem;border-radius:.3rem;font-size:.8rem;background:var(--idle-bg);color:var(--idle);white-space:nowrap}
.bad{background:var(--bad-bg);color:var(--bad)}.ok{background:var(--ok-bg);color:var(--ok)}.warn{background:var(--warn-bg);color:var(--warn)}.idle{background:var(--idle-bg);color:var(--idle)}
mark{background:#ffe58a;padding:0 .1rem;border-radius:.15rem}mark.base{background:#bde3ff}mark.topic{background:#d9f2c7}mark.milestone{background:#ffd08a}
.evidence{color:#333;font-size:.92rem}.muted{color:var(--muted)}.text{white-space:pre-wrap;line-height:1.9;font-size:1.05rem;max-width:50rem}
form.inline{display:inline}form.filters{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end;margin:.3rem 0 .6rem}form.filters label{display:flex;flex-direction:column;font-size:.85rem;min-width:0}
select,input,button{font:inherit;max-width:100%}button{cursor:pointer;border:1px solid #b8c2cc;background:#fff;border-radius:.3rem;padding:.15rem .6rem}
tr.new{animation:flash 3s}@keyframes flash{from{background:#fff3a0}to{background:transparent}}
svg{direction:ltr}svg.spark{vertical-align:middle;display:block}.live{font-size:.8rem;font-weight:400}
table.queues th[scope=row]{white-space:nowrap}table.queues th,table.queues td{white-space:nowrap;overflow-wrap:normal}table.queues thead th{vertical-align:bottom}table.queues td,table.queues th{vertical-align:middle}
svg.spark rect.done{fill:#4b7bec}svg.spark path{fill:none;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}svg.spark path.waiting{stroke:#e8a300}svg.spark path.failed{stroke:#c92a2a}
.board{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,24rem),1fr));gap:.8rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.7rem .9rem;display:flex;flex-direction:column;gap:.35rem;min-width:0}
.card.past-due{border-inline-start:4px solid #c92a2a}.card h3 a{color:var(--ink)}.card .sub{font-size:.9rem}
.card .facts{display:flex;flex-wrap:wrap;gap:.3rem .6rem;align-items:center}
.card ul.reports{margin:0;padding:0;list-style:none;font-size:.88rem}.card ul.reports li{padding:.2rem 0;border-top:1px dashed var(--line);overflow-wrap:anywhere}
svg.perday{width:100%;height:auto;display:block}svg.perday rect.bar{fill:#1c5d99}svg.perday line.axis{stroke:#adb5bd}svg.perday text{font-size:10px;fill:#5f6b7a}
.legend-box{display:flex;flex-wrap:wrap;gap:.3rem .8rem;align-items:center;font-size:.85rem;margin:.2rem 0 .6rem}.legend-box strong{font-weight:600}
.pager{display:flex;gap:.8rem;align-items:center;margin:.6rem 0;font-size:.9rem}
.state-dot{display:inline-block;width:.6rem;height:.6rem;border-radius:50%;margin-inline-end:.3rem;background:currentColor;vertical-align:baseline}
svg.timeline{width:100%;height:auto;max-width:72rem;display:block;font-size:11px}svg.timeline a:focus circle,svg.timeline a:hover circle{stroke:#000;stroke-width:2}
tr.report:target{background:#fff3a0}.assessment dt{font-weight:600}.assessment dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.15rem .8rem}
.summary{font-size:1.05rem}.mentions>li{margin:.35rem 0}
.story-facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.15rem .8rem}.story-facts dt{font-weight:600}.story-milestones{margin:0;padding:0;list-style:none}
.story-columns{display:flex;gap:1rem;align-items:flex-start}.story-column{flex:1 1 0;min-width:0}
.story-card{border:1px solid #dde;border-radius:.4rem;padding:.5rem .7rem;margin:.5rem 0}.story-card h4{margin:.25rem 0;font-size:1rem}.joined{margin:.25rem 0;font-size:.9rem}
@media (max-width:700px){ul{padding-inline-start:1.1rem}.story-columns{flex-direction:column}.story-column{width:100%}main{padding:.4rem .6rem 2rem}section.panel{padding:.1rem .6rem .6rem}
.top-in{padding:.4rem .6rem}.top nav{order:3;flex-basis:100%;min-width:0;overflow-x:auto;flex-wrap:nowrap}.switch{margin-inline-start:auto}
table.stack thead{display:none}table.stack,table.stack tbody,table.stack tr,table.stack td,table.stack th{display:block;width:100%}
table.stack tr{border-bottom:1px solid var(--line);padding:.4rem 0}table.stack td,table.stack th[scope=row]{border:0;padding:.1rem 0;text-align:start}
table.stack td[data-label]{position:relative;padding-inline-start:7rem;min-height:1.4rem}table.stack td[data-label]::before{content:attr(data-label);position:absolute;inset-inline-start:0;top:.15rem;width:6.5rem;color:var(--muted);font-size:.8rem}table.stack td:empty{display:none}
.assessment dl,.story-facts{grid-template-columns:minmax(0,1fr)}}
${STANCE_STYLE}`;

export function layout({ title, body, nonce, scripts = [], lang = 'en', active, switchHref }: LayoutOptions): string {
  const scriptNonce = nonce?.script ? ` nonce="${esc(nonce.script)}"` : '';
  const styleNonce = nonce?.style ? ` nonce="${esc(nonce.style)}"` : '';
  const scriptTags = scripts.map((src) => `<script src="${esc(src)}" defer${scriptNonce}></script>`).join('');
  const nav = NAV.map((n) => `<a href="${n.href}"${n.entry === active ? ' aria-current="page"' : ''}>${esc(t(lang, n.word))}</a>`).join('');
  const other = lang === 'ar' ? 'en' : 'ar';
  const switchLink = `<a class="switch" href="${esc(switchHref ?? `?lang=${other}`)}" lang="${other}" hreflang="${other}">${esc(t(lang, 'language'))}</a>`;
  return `<!doctype html>
<html lang="${lang}" dir="${dirOf(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style${styleNonce}>${STYLE}</style>${scriptTags}</head>
<body><header class="top"><div class="top-in"><h1 class="brand"><a href="/">marsad<span lang="ar">مرصد</span></a></h1>
<nav>${nav}<a href="/queues">${esc(t(lang, 'bullBoard'))}</a></nav>${switchLink}</div></header>
<main>${body}</main></body></html>`;
}

/** The live-updates indicator the page script keeps current, with its texts in the interface language. */
export function liveIndicator(lang: Lang): string {
  return `<span class="live muted" id="live" data-text-live="${esc(t(lang, 'live'))}" data-text-reconnecting="${esc(t(lang, 'reconnecting'))}">${esc(t(lang, 'connecting'))}</span>`;
}

/** The legend of the highlight colours used in evidence and article texts. */
export function highlightLegend(lang: Lang): string {
  return `<div class="legend-box" data-legend="highlights"><strong>${esc(t(lang, 'legend'))}:</strong> <mark class="base">${esc(t(lang, 'legendBase'))}</mark> <mark class="topic">${esc(t(lang, 'legendTopic'))}</mark> <mark class="milestone">${esc(t(lang, 'legendMilestone'))}</mark></div>`;
}
