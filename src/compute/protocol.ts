// Messages between the compute pool and its threads: plain data (structured clone).
import type { Cores } from '../cores.js';
import type { HtmlRules } from '../extract/html-document.js';
import type { DocumentInput } from '../extract/document.js';

/** What tagging needs of the compiled cores (the story lexicon stays behind). */
export type TagCores = Pick<Cores, 'gazetteer' | 'milestones' | 'version'>;
export type TagInput = { title: string | null; text: string; published: string | null };

export type ComputeTask = { id?: number } & (
  | { kind: 'clean'; doc: DocumentInput; rules?: HtmlRules }
  /** `cores` is sent with the first task of a thread for `coresKey`, and left out after. */
  | { kind: 'tag'; coresKey: string; cores?: TagCores; article: TagInput }
);

export type ComputeReply = { id: number } & ({ ok: true; value: unknown } | { ok: false; name: string; message: string });
