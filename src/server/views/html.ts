// Small HTML helpers for the server-rendered dashboard: every value that comes from a feed, an article
// or the config goes through `esc` (attributes too), so reporting can never inject markup.
import { STANCE_STYLE } from './colours.js';

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
}

const STYLE = `body{font:14px/1.45 system-ui,"Noto Sans Arabic","Segoe UI",sans-serif;margin:0 auto;max-width:80rem;padding:0 1rem 3rem;color:#1b1f24}
header{display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap;border-bottom:1px solid #ccd;padding:.5rem 0}
header h1{margin:0;font-size:1.3rem}nav a{margin-inline-end:.8rem}
h2{font-size:1.1rem;margin:1.6rem 0 .4rem}table{border-collapse:collapse;width:100%}
th,td{padding:.25rem .45rem;border-bottom:1px solid #e3e6ea;text-align:start;vertical-align:top}
th{background:#f4f6f8;font-weight:600}td.n{text-align:end;font-variant-numeric:tabular-nums}
.flag{display:inline-block;padding:0 .4rem;border-radius:.3rem;font-size:.8rem;background:#eee}
.bad{background:#fde2e1;color:#8a1c17}.ok{background:#e2f5e6;color:#17602b}.warn{background:#fff3cd;color:#7a5b00}
mark{background:#ffe58a;padding:0 .1rem}mark.base{background:#bde3ff}mark.topic{background:#d9f2c7}mark.milestone{background:#ffd08a}
.evidence{color:#333;font-size:.92rem}.muted{color:#667}.text{white-space:pre-wrap;line-height:1.9;font-size:1.05rem;max-width:50rem}
form.inline{display:inline}form.filters{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end}form.filters label{display:flex;flex-direction:column;font-size:.85rem}
tr.new{animation:flash 3s}@keyframes flash{from{background:#fff3a0}to{background:transparent}}
svg.spark{vertical-align:middle}svg.spark rect{fill:#4b7bec}.live{font-size:.8rem}
svg.timeline{width:100%;height:auto;max-width:72rem;display:block;font-size:11px}svg.timeline a:focus circle,svg.timeline a:hover circle{stroke:#000;stroke-width:2}
tr.report:target{background:#fff3a0}.assessment dt{font-weight:600}.assessment dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem}
.summary{font-size:1.05rem}.mentions>li{margin:.35rem 0}
.story-facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem}.story-facts dt{font-weight:600}.story-milestones{margin:0;padding:0;list-style:none}
.story-columns{display:flex;gap:1rem;align-items:flex-start}.story-column{flex:1 1 0;min-width:0}@media (max-width:700px){.story-columns{flex-direction:column}.story-column{width:100%}}
.story-card{border:1px solid #dde;border-radius:.4rem;padding:.5rem .7rem;margin:.5rem 0}.story-card h4{margin:.25rem 0;font-size:1rem}.joined{margin:.25rem 0;font-size:.9rem}
${STANCE_STYLE}`;

export function layout({ title, body, nonce, scripts = [] }: LayoutOptions): string {
  const scriptNonce = nonce?.script ? ` nonce="${esc(nonce.script)}"` : '';
  const styleNonce = nonce?.style ? ` nonce="${esc(nonce.style)}"` : '';
  const scriptTags = scripts.map((src) => `<script src="${esc(src)}" defer${scriptNonce}></script>`).join('');
  return `<!doctype html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style${styleNonce}>${STYLE}</style>${scriptTags}</head>
<body><header><h1><a href="/">marsad <span lang="ar" dir="rtl">مرصد</span></a></h1>
<nav><a href="/#queues">Queues</a><a href="/#feeds">Feeds</a><a href="/#milestones">Milestones</a><a href="/#articles">Articles</a><a href="/#alerts">Alerts</a><a href="/queues">bull-board</a></nav></header>
${body}</body></html>`;
}
