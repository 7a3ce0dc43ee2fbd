// Bounded work per document (issue #12): time and peak memory to clean and tag pages just under the
// 10 MiB download cap, in the shapes that used to blow up (many paragraphs, one huge paragraph, deep
// nesting, one 9.5 MB token, Arabic without punctuation), and the event loop's lag while such a page is
// processed inline and on the compute threads (as the clean and tag workers do).
//   npx tsx bench/bounded.ts [--mb 9.5]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { compileCores, tagArticle } from '../src/cores.js';
import { loadConfig } from '../src/config/load.js';
import { cleanOffThread, closeCompute, tagOffThread } from '../src/compute/index.js';
import { cleanDocument } from '../src/extract/document.js';

const mbArg = process.argv.indexOf('--mb');
const MB = mbArg > 0 ? Number(process.argv[mbArg + 1]) : 9.5;
const bytes = Math.floor(MB * 1024 * 1024);

const AR = 'أعلن المتحدث باسم التحالف الدولي يوم الثلاثاء انسحاب القوات الأمريكية من قاعدة عين الأسد في محافظة الأنبار غرب العراق. ';
const EN = 'The coalition said on Tuesday that US forces would leave Ain al-Asad air base in Anbar by September 2026. ';
const fill = (unit: string, size: number) => unit.repeat(Math.max(1, Math.ceil(size / Buffer.byteLength(unit))));
const page = (body: string) => `<html><head><title>انسحاب القوات</title></head><body><article><h1>انسحاب القوات الأمريكية من عين الأسد</h1>${body}</article></body></html>`;

/** Pages of about `bytes` each (UTF-8), by shape. */
export function boundedPages(size: number): Record<string, string> {
  const depth = 20_000;
  return {
    paragraphs: page(fill(`<p>${EN}</p>\n<p>${AR}</p>\n`, size)),
    'one paragraph': page(`<p>${fill(AR + EN, size)}</p>`),
    'deep nesting': page('<div>'.repeat(depth) + fill(`<div><span>${EN}</span>`, size - depth * 11) + '</div>'.repeat(depth)),
    'one token': page(`<p>${'a'.repeat(size)}</p>`),
    'arabic, no punctuation': page(`<p>${fill('انسحاب القوات الأمريكية من قاعدة عين الأسد ', size)}</p>`),
  };
}

const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
const ms = (n: number) => `${Math.round(n)} ms`;

async function main(): Promise<void> {
  const cores = compileCores(loadConfig());
  const pages = boundedPages(bytes);
  console.log(`bounded work per document: pages of ${MB} MB, clean + tag inline`);
  console.log(`  ${'shape'.padEnd(24)} ${'time'.padStart(8)} ${'cpu'.padStart(8)} ${'text'.padStart(8)}  peak RSS so far`);
  for (const [shape, body] of Object.entries(pages)) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const clean = cleanDocument({ format: 'html', body, url: null, title: null, published: null, language: null });
    tagArticle(cores, clean);
    const cpu = process.cpuUsage(c0);
    console.log(
      `  ${shape.padEnd(24)} ${ms(performance.now() - t0).padStart(8)} ${ms((cpu.user + cpu.system) / 1000).padStart(8)} ${String(clean.text.length).padStart(8)}  ${mb(process.resourceUsage().maxRSS)}`,
    );
  }

  // Lag: a timer that should fire every 10 ms, watched by the event-loop delay histogram.
  const body = pages.paragraphs!;
  const lag = async (label: string, work: () => Promise<void>) => {
    const h = monitorEventLoopDelay({ resolution: 10 });
    const ticker = setInterval(() => {}, 10);
    h.enable();
    const t0 = performance.now();
    await work();
    const took = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 50));
    h.disable();
    clearInterval(ticker);
    console.log(`  ${label.padEnd(36)} ${ms(took).padStart(8)}  lag p99 ${ms(h.percentile(99) / 1e6)}, max ${ms(h.max / 1e6)}`);
  };
  console.log(`event-loop lag while a ${MB} MB page (paragraphs) is cleaned and tagged, 3 times`);
  await lag('inline (the cores on the event loop)', async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setImmediate(r));
      const clean = cleanDocument({ format: 'html', body, url: null, title: null, published: null, language: null });
      tagArticle(cores, clean);
    }
  });
  await lag('compute threads (clean and tag workers)', async () => {
    for (let i = 0; i < 3; i++) {
      const clean = await cleanOffThread({ format: 'html', body, url: null, title: null, published: null, language: null }, undefined, 'bench page');
      await tagOffThread(cores, { id: 'bench', ...clean });
    }
  });
  console.log(`  peak RSS of the process (threads included): ${mb(process.resourceUsage().maxRSS)}`);
  await closeCompute();
}

await main();
