import type { Evidence } from '../../tagging/gazetteer.js';
import type { CueRole, StanceCue } from '../../tagging/stance.js';
import { esc } from './html.js';

/** A span of the text to highlight: offsets into that text, what kind of tag (or stance cue), and a tooltip. */
export interface Highlight {
  start: number;
  end: number;
  kind: 'base' | 'topic' | 'milestone' | `cue-${CueRole}`;
  title: string;
}

/**
 * The text, escaped, with each highlight wrapped in <mark>. Overlapping spans (a base inside a
 * milestone's evidence) are merged into one mark naming both, so the markup stays well nested.
 */
export function highlightText(text: string, highlights: readonly Highlight[]): string {
  const spans = highlights
    .filter((h) => h.start >= 0 && h.end <= text.length && h.start < h.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { start: number; end: number; kinds: Set<string>; titles: Set<string> }[] = [];
  for (const h of spans) {
    const last = merged.at(-1);
    if (last && h.start < last.end) {
      last.end = Math.max(last.end, h.end);
      last.kinds.add(h.kind);
      last.titles.add(h.title);
    } else merged.push({ start: h.start, end: h.end, kinds: new Set([h.kind]), titles: new Set([h.title]) });
  }
  let out = '';
  let at = 0;
  for (const m of merged) {
    out += esc(text.slice(at, m.start));
    out += `<mark class="${esc([...m.kinds].join(' '))}" title="${esc([...m.titles].join(', '))}">${esc(text.slice(m.start, m.end))}</mark>`;
    at = m.end;
  }
  return out + esc(text.slice(at));
}

/** One evidence sentence with its matches marked (match offsets are into the article's text). */
export function highlightEvidence(evidence: Evidence, kind: Highlight['kind'], title: string): string {
  return highlightText(
    evidence.text,
    evidence.matches.map((m) => ({ start: m.start - evidence.start, end: m.end - evidence.start, kind, title: `${title}: ${m.term}` })),
  );
}

/**
 * A milestone mention's evidence with what matched (subject, statement) and the cues that decided its
 * stance marked, each cue by its role (`cue-negation`, `cue-attribution`, …). Cue offsets are into the
 * article's text; a cue outside the evidence (an attribution in the sentence before) is left out.
 */
export function highlightCues(evidence: Evidence, cues: readonly StanceCue[], title: string): string {
  return highlightText(evidence.text, [
    ...evidence.matches.map((m) => ({ start: m.start - evidence.start, end: m.end - evidence.start, kind: 'milestone' as const, title: `${title}: ${m.term}` })),
    ...cues.map((c) => ({ start: c.start - evidence.start, end: c.end - evidence.start, kind: `cue-${c.role}` as const, title: `${c.role}: ${c.term}` })),
  ]);
}
