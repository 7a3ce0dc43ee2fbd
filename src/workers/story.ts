import { PermanentFailure } from '../queues/errors.js';
import { estimateJaccard } from '../dedup/minhash.js';
import { shingleHashes } from '../dedup/shingles.js';
import type { JobData } from '../queues/jobs.js';
import type { StageResult } from '../queues/pipeline.js';
import { lookupConcepts, storyFeatures } from '../stories/features.js';
import { linkStories, textOverlap } from '../stories/link.js';
import type { StoryLinkRecord } from '../store/story-store.js';
import { words } from '../text/arabic.js';
import type { StageDeps } from './deps.js';

const DAY_MS = 86_400_000;
/**
 * Candidates read per concept and side of the day, nearest first: bounds the work per article however many
 * articles the store holds. A story needs one link, so a busy day's newest reports are enough.
 */
const CANDIDATES_PER_SIDE = 8;
/** Below this estimated Jaccard two texts share no wording worth comparing exactly. */
const OVERLAP_PROBE = 0.08;

/**
 * Story stage: the article joins the story of every earlier or concurrent article that reports the same
 * event (a reprint, or a separate report sharing anchors and concepts within the window), across outlets
 * and languages. A reprint found here that dedup did not link becomes a duplicate of the earlier article.
 */
export async function handleStory({ articleId }: JobData<'story'>, { store, stories, cores, log }: StageDeps): Promise<StageResult> {
  const article = await store.getArticle(articleId);
  if (!article) throw new PermanentFailure(`article ${articleId} is not in the store (was it tagged?)`);
  const lexicon = cores.stories;
  const features = storyFeatures(lexicon, cores.gazetteer, article);
  const lookup = lookupConcepts(lexicon, features);
  // Registered before looking: of two articles decided at once, at least one sees the other.
  await stories.register(features, lookup);
  const candidates = await stories.candidates(features, lookup, lexicon.config.window_days * DAY_MS, CANDIDATES_PER_SIDE);

  const sameLanguage = candidates.filter((c) => c.language === article.language).map((c) => c.id);
  const signatures = await store.getSignatures([articleId, ...sameLanguage]);
  const own = signatures.get(articleId);
  const probed = own ? sameLanguage.filter((id) => { const s = signatures.get(id); return s !== undefined && estimateJaccard(own.signature, s.signature) >= OVERLAP_PROBE; }) : [];
  const texts = new Map((await store.getArticles(probed)).map((a) => [a.id, a]));
  const ownShingles = texts.size > 0 ? new Set(shingleHashes(words(article.text))) : null;

  const links: StoryLinkRecord[] = [];
  for (const c of candidates) {
    const other = texts.get(c.id);
    const overlap = other && ownShingles ? textOverlap(ownShingles, new Set(shingleHashes(words(other.text)))) : null;
    const link = linkStories(lexicon, features, c, overlap);
    if (link.kind === 'reprint') links.push({ with: c.id, kind: 'reprint', reasons: link.reasons, jaccard: round(link.jaccard), containment: round(link.containment) });
    else if (link.kind === 'same-event') links.push({ with: c.id, kind: 'same-event', reasons: link.reasons, score: link.score });
  }
  if (article.duplicateOf !== null && !links.some((l) => l.with === article.duplicateOf)) {
    links.push({ with: article.duplicateOf, kind: 'reprint', reasons: [`${article.duplicateMatch ?? 'near'} duplicate`] });
  }
  const storyId = await stories.join(articleId, links);

  // A reprint of an article seen earlier is its duplicate, as dedup would have said with closer wording.
  const previousOriginal = article.duplicateOf;
  if (article.duplicateOf === null) {
    const earlier = links
      .filter((l) => l.kind === 'reprint')
      .map((l) => ({ link: l, other: texts.get(l.with) }))
      .filter((x) => x.other !== undefined && x.other.seq < article.seq)
      .sort((a, b) => a.other!.seq - b.other!.seq)[0];
    if (earlier) {
      article.duplicateOf = earlier.other!.duplicateOf ?? earlier.other!.id;
      article.duplicateMatch = 'contained';
      article.similarity = earlier.link.jaccard ?? null;
    }
  }
  await store.saveArticle({ ...article, stage: 'grouped' }, article, article.duplicateOf !== previousOriginal ? { previousOriginal } : undefined);
  if (links.length > 0) log.info({ article_id: articleId, story_id: storyId, links: links.map((l) => `${l.kind}:${l.with}`) }, 'story');
  return { status: 'done', next: [articleId], note: links.length > 0 ? `${storyId}: ${links.length} links` : `${storyId}: new story` };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
