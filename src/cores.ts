import type { Config } from './config/load.js';
import type { MilestoneRef, TagRef } from './model.js';
import { compileGazetteer, prepareText, tagText, type Gazetteer } from './tagging/gazetteer.js';
import { compileMilestones, matchMilestones, type CompiledMilestones } from './tagging/milestones.js';

/** The compiled, pure parts of the pipeline: built once at start from the validated config. */
export interface Cores {
  gazetteer: Gazetteer;
  milestones: CompiledMilestones;
}

export function compileCores(config: Pick<Config, 'taxonomy' | 'milestones'>): Cores {
  const gazetteer = compileGazetteer(config.taxonomy);
  return { gazetteer, milestones: compileMilestones(config.milestones, gazetteer) };
}

export interface ArticleTags {
  bases: string[];
  topics: string[];
  tags: { bases: TagRef[]; topics: TagRef[] };
  milestones: MilestoneRef[];
}

/** Bases, topics and milestone mentions of an article, with their evidence (offsets into `text`). */
export function tagArticle(cores: Cores, article: { title: string | null; text: string }): ArticleTags {
  const prepared = prepareText(article.text);
  const tags = tagText(cores.gazetteer, prepared, article.title ? { title: article.title } : {});
  return {
    bases: tags.bases.map((t) => t.id),
    topics: tags.topics.map((t) => t.id),
    tags,
    milestones: matchMilestones(cores.milestones, prepared),
  };
}
