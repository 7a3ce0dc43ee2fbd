import { createHash } from 'node:crypto';
import type { Config } from './config/load.js';
import type { MilestoneRef, TagRef } from './model.js';
import { compileGazetteer, prepareText, tagText, type Gazetteer } from './tagging/gazetteer.js';
import { compileMilestones, matchMilestones, type CompiledMilestones } from './tagging/milestones.js';
import { compileStoryLexicon, type CompiledStoryLexicon } from './stories/features.js';

/** The compiled, pure parts of the pipeline: built once at start from the validated config. */
export interface Cores {
  gazetteer: Gazetteer;
  milestones: CompiledMilestones;
  stories: CompiledStoryLexicon;
  /** Identifies the taxonomy, milestones and cue lexicons: each article records the version that tagged it. */
  version: string;
}

export function compileCores(config: Pick<Config, 'taxonomy' | 'milestones' | 'stance' | 'stories'>): Cores {
  const gazetteer = compileGazetteer(config.taxonomy);
  const version = createHash('sha256').update(JSON.stringify([config.taxonomy, config.milestones, config.stance])).digest('hex').slice(0, 12);
  return { gazetteer, milestones: compileMilestones(config.milestones, gazetteer, config.stance), stories: compileStoryLexicon(config.stories, config.stance), version };
}

export interface ArticleTags {
  bases: string[];
  topics: string[];
  tags: { bases: TagRef[]; topics: TagRef[] };
  milestones: MilestoneRef[];
  taggedWith: string;
}

/** Bases, topics and milestone mentions of an article, with their evidence (offsets into `text`). */
export function tagArticle(cores: Pick<Cores, 'gazetteer' | 'milestones' | 'version'>, article: { title: string | null; text: string; published: string | null }): ArticleTags {
  const prepared = prepareText(article.text);
  const tags = tagText(cores.gazetteer, prepared, article.title ? { title: article.title } : {});
  return {
    bases: tags.bases.map((t) => t.id),
    topics: tags.topics.map((t) => t.id),
    tags,
    milestones: matchMilestones(cores.milestones, prepared, article.published),
    taggedWith: cores.version,
  };
}
