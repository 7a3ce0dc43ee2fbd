// Stance colours and small pieces shared by the milestone page, the status page and the article page.
import type { ActorNames, Status } from '../../milestones/assess.js';
import type { Attribution, CueRole } from '../../tagging/stance.js';
import { STANCES, type Stance } from '../../tagging/schema.js';
import { STANCE_COLOURS } from './colours.js';
import { esc } from './html.js';
import { t, type Lang } from './i18n.js';

export { STANCE_COLOURS };

/** What each stance means, for tooltips and the legend. */
export const STANCE_MEANINGS: Record<Stance, string> = {
  scheduled: 'planned or restated, not yet under way',
  started: 'under way',
  completed: 'done',
  delayed: 'late, postponed or staying beyond the due date',
  denied: 'denied or contradicted',
  unclear: 'a question, a demand or a condition',
};

export const CUE_ROLES: readonly CueRole[] = ['stance', 'negation', 'future', 'yet', 'contrast', 'hedge', 'attribution', 'speech', 'date', 'background', 'history', 'question'];

/** The stance (or status) as a coloured badge; its classes are in the layout's stylesheet. */
export function stanceBadge(stance: Status, text: string = stance): string {
  const meaning = stance === 'unreported' ? 'no report in the window yet' : STANCE_MEANINGS[stance];
  return `<span class="stance stance-${esc(stance)}" data-stance="${esc(stance)}" title="${esc(meaning)}">${esc(text)}</span>`;
}

/** The legend of the cue roles, as marks styled like the ones in the evidence. */
export function cueLegend(roles: readonly CueRole[] = CUE_ROLES, lang: Lang = 'en'): string {
  return `<p class="legend muted">${esc(t(lang, 'cues'))}: ${roles.map((r) => `<mark class="cue-${esc(r)}">${esc(r)}</mark>`).join(' ')}</p>`;
}

/** Who says it: the actor's English name (Arabic in the tooltip) and the quote when there is one. */
export function attributionHtml(a: Attribution | null, names: ActorNames, lang: Lang = 'en'): string {
  if (!a) return `<span class="muted">${esc(t(lang, 'unattributed'))}</span>`;
  const name = names.get(a.who);
  const who = `<span data-actor="${esc(a.who)}" title="${esc(name ? `${name.ar} (${a.who})` : a.who)}">${esc(name?.en ?? a.who)}</span>`;
  return a.quote ? `${who}<div class="quote" dir="auto">“${esc(a.quote)}”</div>` : who;
}
