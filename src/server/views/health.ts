// Queue health (counts and last-hour sparklines) and feed health (ok, failing with the reason, stale, never polled).
import type { FeedReport } from '../../ops/feeds.js';
import type { QueueOverview } from '../../ops/overview.js';
import { duration, esc, langAttrs, liveIndicator, time } from './html.js';
import { t, type Lang, type Word } from './i18n.js';

export type QueueView = QueueOverview & {
  stage: string;
  /** Jobs completed in each of the last 60 minutes, oldest first. */
  perMinute: number[];
  /** Waiting and failed counts sampled each minute over the last hour, oldest first; null where not sampled. */
  waitingHistory?: (number | null)[];
  failedHistory?: (number | null)[];
};

const COUNT_FIELDS = ['waiting', 'active', 'delayed', 'completed', 'failed', 'workers'] as const;
const SPARK_W = 90;
const SPARK_H = 24;

/** Bars of the jobs completed per minute over the last hour. */
export function sparkline(perMinute: readonly number[]): string {
  const max = Math.max(1, ...perMinute);
  const bars = perMinute
    .map((n, i) => {
      const h = n === 0 ? 0 : Math.max(1, Math.round((n / max) * (SPARK_H - 2)));
      const step = SPARK_W / perMinute.length;
      return `<rect class="done" x="${(i * step).toFixed(2)}" y="${SPARK_H - h}" width="${(step * 0.8).toFixed(2)}" height="${h}"></rect>`;
    })
    .join('');
  return `<svg class="spark" width="${SPARK_W}" height="${SPARK_H}" viewBox="0 0 ${SPARK_W} ${SPARK_H}" role="img" aria-label="completed per minute, last 60 min (max ${max})"><title>completed per minute over the last hour, max ${max}</title>${bars}</svg>`;
}

/** A line of sampled counts (gaps where no sample was taken), scaled to its own maximum. */
function sampleLine(values: readonly (number | null)[], kind: 'waiting' | 'failed'): string {
  const known = values.filter((v): v is number => v !== null);
  const max = Math.max(1, ...known);
  const step = SPARK_W / Math.max(1, values.length - 1);
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (SPARK_H - 1 - (v / max) * (SPARK_H - 3)).toFixed(1);
    // A lone sample still shows: a dot (a zero-length stroke with round caps).
    const alone = !pen && (values[i + 1] ?? null) === null;
    d += `${pen ? 'L' : 'M'}${x} ${y}${alone ? 'h0.01' : ''}`;
    pen = true;
  });
  const last = known.at(-1);
  const label = known.length === 0 ? `${kind}: no samples yet` : `${kind} per minute over the last hour: now ${last}, max ${max}`;
  return `<svg class="spark" width="${SPARK_W}" height="${SPARK_H}" viewBox="0 0 ${SPARK_W} ${SPARK_H}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${d ? `<path class="${kind}" d="${d}"/>` : `<text x="0" y="15" font-size="9" fill="#868e96">–</text>`}</svg>`;
}

function throughput(perMinute: readonly number[]): { m1: number; m15: number; m60: number } {
  const sum = (n: number) => perMinute.slice(-n).reduce((a, b) => a + b, 0);
  return { m1: sum(1), m15: sum(15), m60: sum(60) };
}

function queueRow(q: QueueView, lang: Lang): string {
  const tp = throughput(q.perMinute);
  const cells = COUNT_FIELDS.map((f) => `<td class="n" data-count="${esc(q.stage)}:${f}">${q[f]}</td>`).join('');
  const stuck = q.workers === 0 && q.waiting > 0 ? ` <span class="flag bad">${esc(t(lang, 'noWorker'))}</span>` : '';
  return `<tr data-queue="${esc(q.stage)}"><th scope="row">${esc(q.stage)}${stuck}</th>${cells}
<td class="n" data-throughput="${esc(q.stage)}">${tp.m1} / ${tp.m15} / ${tp.m60}</td><td>${sparkline(q.perMinute)}</td><td>${sampleLine(q.waitingHistory ?? [], 'waiting')}</td><td>${sampleLine(q.failedHistory ?? [], 'failed')}</td><td class="n">${q.prioritized}</td><td class="n">${duration(q.oldestWaitingSeconds === null ? null : q.oldestWaitingSeconds * 1000)}</td></tr>`;
}

/** The queues: a table that scrolls inside its box on a narrow screen (its columns compare down the stages). */
export function queuesSection(queues: readonly QueueView[], totals: { articles: number; duplicates: number }, lang: Lang): string {
  const head = (['queue', ...COUNT_FIELDS] as const).map((w) => `<th>${esc(t(lang, w))}</th>`).join('');
  return `<section id="queues" class="panel" data-section="queues"><h2>${esc(t(lang, 'queues'))} ${liveIndicator(lang)}</h2>
<div class="table-wrap"><table class="queues"><thead><tr>${head}
<th title="jobs completed in the last 1, 15 and 60 minutes">${esc(t(lang, 'done1560'))}</th><th title="${esc(t(lang, 'throughput'))}">${esc(t(lang, 'doneMin'))}</th><th title="${esc(t(lang, 'waitingHour'))}">${esc(t(lang, 'waiting'))} · 60′</th><th title="${esc(t(lang, 'failedHour'))}">${esc(t(lang, 'failed'))} · 60′</th><th title="waiting with a priority (backfill)">${esc(t(lang, 'prioritized'))}</th><th>${esc(t(lang, 'oldestWaiting'))}</th></tr></thead>
<tbody>${queues.map((q) => queueRow(q, lang)).join('')}</tbody></table></div>
<p class="muted">${esc(t(lang, 'totals'))} ${totals.articles}, ${esc(t(lang, 'duplicates'))} ${totals.duplicates}. ${esc(t(lang, 'queueNote'))}</p></section>`;
}

export type FeedHealth = 'ok' | 'failing' | 'stale' | 'never';

/** One state per feed, the worst first: never polled, failing, stale (no new item for long), ok. */
export function feedHealth(f: Pick<FeedReport, 'status' | 'stale'>): FeedHealth {
  if (f.status === 'never polled') return 'never';
  if (f.status === 'failing') return 'failing';
  return f.stale ? 'stale' : 'ok';
}

const HEALTH: Record<FeedHealth, { cls: string; word: Word }> = {
  ok: { cls: 'ok', word: 'feedOk' },
  failing: { cls: 'bad', word: 'feedFailing' },
  stale: { cls: 'warn', word: 'feedStale' },
  never: { cls: 'idle', word: 'feedNever' },
};

function feedRow(f: FeedReport, lang: Lang): string {
  const health = feedHealth(f);
  const h = HEALTH[health];
  // A failure below the failing threshold still shows: the feed is ok but its last poll did not go through.
  const lastFailed = health === 'ok' && f.consecutiveFailures > 0 ? ` <span class="flag warn">${f.consecutiveFailures}× ${esc(t(lang, 'failed'))}</span>` : '';
  const reason = f.lastError && (health === 'failing' || f.consecutiveFailures > 0) ? `<div class="evidence" dir="auto">${esc(f.lastError.reason)}</div>` : '';
  return `<tr data-feed="${esc(f.id)}" data-health="${health}"><th scope="row">${esc(f.id)}<div class="muted"${langAttrs(f.language)}>${esc(f.name)}</div></th>
<td data-label="${esc(t(lang, 'state'))}"><span class="flag ${h.cls}"><span class="state-dot"></span>${esc(t(lang, h.word))}</span>${lastFailed}${f.verified ? '' : ` <span class="flag">${esc(t(lang, 'unverified'))}</span>`}${reason}</td>
<td data-label="${esc(t(lang, 'lastSuccess'))}">${time(f.lastSuccessAt)}</td><td data-label="${esc(t(lang, 'nextPoll'))}">${time(f.nextPollAt)}</td>
<td class="n" data-label="${esc(t(lang, 'failures'))}">${f.failures} (${f.consecutiveFailures} ${esc(t(lang, 'inARow'))})</td><td class="n" data-label="${esc(t(lang, 'itemsSeen'))}">${f.itemsSeen}</td><td data-label="${esc(t(lang, 'lastError'))}">${f.lastError ? `${time(f.lastError.at)}${f.lastError.status ? ` HTTP ${f.lastError.status}` : ''}` : ''}</td></tr>`;
}

export function feedsSection(feeds: readonly FeedReport[], lang: Lang): string {
  const title = `<h2>${esc(t(lang, 'feeds'))}</h2>`;
  if (feeds.length === 0) return `<section id="feeds" class="panel" data-section="feeds">${title}<p class="muted">${esc(t(lang, 'noFeeds'))}</p></section>`;
  const counts = (['ok', 'failing', 'stale', 'never'] as const)
    .map((s) => ({ s, n: feeds.filter((f) => feedHealth(f) === s).length }))
    .filter((c) => c.n > 0)
    .map((c) => `<span class="flag ${HEALTH[c.s].cls}"><span class="state-dot"></span>${esc(t(lang, HEALTH[c.s].word))} ${c.n}</span>`)
    .join(' ');
  const head = (['feed', 'state', 'lastSuccess', 'nextPoll', 'failures', 'itemsSeen', 'lastError'] as const).map((w) => `<th>${esc(t(lang, w))}</th>`).join('');
  return `<section id="feeds" class="panel" data-section="feeds">${title}<div class="legend-box">${counts}</div>
<div class="table-wrap"><table class="stack"><thead><tr>${head}</tr></thead><tbody>${feeds.map((f) => feedRow(f, lang)).join('')}</tbody></table></div></section>`;
}
