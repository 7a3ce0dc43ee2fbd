// The stance colours and their CSS: a leaf module (type imports only), so that the layout's stylesheet can
// include them without an import cycle.
import type { Status } from '../../milestones/assess.js';

/** One colour per stance (the SVG marks, the legend and the badges share them); `unreported` is pale. */
export const STANCE_COLOURS: Record<Status, string> = {
  scheduled: '#4263eb',
  started: '#e8a300',
  completed: '#2b8a3e',
  delayed: '#e8590c',
  denied: '#c92a2a',
  unclear: '#868e96',
  unreported: '#ced4da',
};

/** CSS for the badges, the legends and the cue marks (part of the layout's stylesheet). */
export const STANCE_STYLE = [
  '.stance{display:inline-block;padding:0 .45rem;border-radius:.3rem;font-size:.82rem;color:#fff;white-space:nowrap}',
  ...Object.entries(STANCE_COLOURS).map(([s, c]) => `.stance-${s}{background:${c}}`),
  '.stance-started,.stance-unreported{color:#1b1f24}',
  'ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:.3rem 0}p.legend mark{margin-inline-end:.2rem}',
  'mark[class*="cue-"]{border-bottom:2px solid transparent}',
  'mark.cue-stance{background:#ffd08a;border-color:#b35c00;font-weight:600}',
  'mark.cue-negation,mark.cue-contrast,mark.cue-yet{background:#ffc9c9;border-color:#c92a2a}',
  'mark.cue-future{background:#d0ebff;border-color:#1c7ed6}',
  'mark.cue-hedge,mark.cue-question{background:#fff3bf;border-color:#e67700;border-bottom-style:dashed}',
  'mark.cue-attribution{background:#e5dbff;border-color:#6741d9}mark.cue-speech{background:#f3f0ff;border-color:#9775fa}',
  'mark.cue-date{background:#d3f9d8;border-color:#2b8a3e}',
  'mark.cue-background,mark.cue-history{background:#e9ecef;border-color:#495057}',
  '.quote{font-size:.85rem;color:#444}',
].join('\n');
