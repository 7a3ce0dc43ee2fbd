// The clean and tag stages' cores, off the event loop: what the stage workers call. Work per document
// is bounded twice: by the caps inside the cores (extract/html-bounds.ts, ARTICLE_TEXT_CAP,
// MAX_SENTENCE_CHARS) and here by a deadline and a heap limit per task.
import type { ArticleTags, Cores } from '../cores.js';
import type { CleanDocument, DocumentInput } from '../extract/document.js';
import type { HtmlRules } from '../extract/html-document.js';
import { PermanentFailure } from '../queues/errors.js';
import { ComputeLimitError, ComputePool } from './pool.js';
import type { TagInput } from './protocol.js';

/** A capped page is cleaned and tagged in about a second; this is for what the caps do not foresee. */
export const COMPUTE_DEADLINE_MS = 20_000;
export const COMPUTE_MAX_HEAP_MB = 512;

let pool: ComputePool | null = null;
const poolOf = () => (pool ??= new ComputePool({ deadlineMs: COMPUTE_DEADLINE_MS, maxHeapMb: COMPUTE_MAX_HEAP_MB }));

const coresKeys = new WeakMap<Cores, string>();
let coresCount = 0;

/** cleanDocument on a compute thread. `where` names the document in a limit failure. */
export function cleanOffThread(doc: DocumentInput, rules: HtmlRules | undefined, where: string): Promise<CleanDocument> {
  return bounded(`cleaning ${where}`, poolOf().run<CleanDocument>({ kind: 'clean', doc, ...(rules ? { rules } : {}) }));
}

/** tagArticle on a compute thread; the compiled cores are sent to each thread once. */
export function tagOffThread(cores: Cores, article: TagInput & { id: string }): Promise<ArticleTags> {
  let coresKey = coresKeys.get(cores);
  if (!coresKey) coresKeys.set(cores, (coresKey = `${cores.version}#${++coresCount}`));
  const key = coresKey;
  const input: TagInput = { title: article.title, text: article.text, published: article.published };
  const task = poolOf().run<ArticleTags>({ kind: 'tag', coresKey: key, article: input }, (thread) => {
    if (thread.cores.has(key)) return { kind: 'tag', coresKey: key, article: input };
    thread.cores.add(key);
    const { gazetteer, milestones, version } = cores;
    return { kind: 'tag', coresKey: key, cores: { gazetteer, milestones, version }, article: input };
  });
  return bounded(`tagging article ${article.id}`, task);
}

/** A limit is final (the same input would hit it again): the job fails at once, naming the document. */
async function bounded<T>(what: string, task: Promise<T>): Promise<T> {
  try {
    return await task;
  } catch (err) {
    if (err instanceof ComputeLimitError) throw new PermanentFailure(`${what} ${err.message}: it was stopped (a page the cleaner cannot bound; report it)`);
    throw err;
  }
}

/** Stops the compute threads (idle threads never keep a process alive; this is for tests and benches). */
export async function closeCompute(): Promise<void> {
  const current = pool;
  pool = null;
  await current?.close();
}
