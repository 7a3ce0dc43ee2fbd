export type IndexKind = 'base' | 'topic' | 'milestone';

/**
 * Every Redis key marsad keeps outside BullMQ, in one place. All start with the configured prefix
 * (default "{marsad}"), whose braces put them in one Redis Cluster slot, so multi-key scripts and
 * transactions stay cluster-safe.
 */
export function keys(p: string) {
  return {
    doc: (id: string) => `${p}:doc:${id}`,
    item: (id: string) => `${p}:item:${id}`,
    guids: (feedId: string) => `${p}:feed-guids:${feedId}`,
    feed: (feedId: string) => `${p}:feed:${feedId}`,
    failures: `${p}:doc-failures`,
    article: (id: string) => `${p}:article:${id}`,
    articles: `${p}:articles`,
    seq: `${p}:seq`,
    index: (kind: IndexKind, id: string) => `${p}:idx:${kind}:${id}`,
    /** Stories: each article's concepts and day, the time index per concept, membership and the links found. */
    storyFeatures: `${p}:story-features`,
    storyIndex: (concept: string) => `${p}:story-ix:${concept}`,
    storyOf: `${p}:story-of`,
    storyMembers: `${p}:story-members`,
    storyLinks: `${p}:story-links`,
    /** Hash per milestone: article id -> its timeline entry (stance, attribution, dates, evidence). */
    timeline: (milestoneId: string) => `${p}:timeline:${milestoneId}`,
    /** The canonical URLs and normalized texts claimed in one time bucket of the dedup window (see store.ts). */
    claimBucket: (bucketSeconds: number, bucket: number) => `${p}:dedup-claims:${bucketSeconds}:${bucket}`,
    signature: (id: string) => `${p}:sig:${id}`,
    /** The LSH bands registered in one time bucket of the dedup window (see store.ts). */
    bandBucket: (namespace: string, bucketSeconds: number, bucket: number) => `${p}:lsh:${namespace}:${bucketSeconds}:${bucket}`,
    dedupOrder: `${p}:dedup-order`,
    dedupCounter: `${p}:dedup-counter`,
    duplicates: (id: string) => `${p}:dups:${id}`,
    duplicateOf: `${p}:duplicate-of`,
    alert: (id: string) => `${p}:alert:${id}`,
    /** `milestone|stance|article` -> the alert that covers that article's report (its own, or its story's). */
    alertOf: `${p}:alert-of`,
    alerts: `${p}:alerts`,
    alertStream: `${p}:alert-stream`,
    delivery: (id: string) => `${p}:delivery:${id}`,
    deliveries: `${p}:deliveries`,
    deadDeliveries: `${p}:deliveries-dead`,
    digestPending: (subscriberId: string) => `${p}:digest-pending:${subscriberId}`,
    digestLast: `${p}:digest-last`,
    unsubscribeKey: `${p}:unsubscribe-key`,
    /** Set once the job schedulers are in place; its absence means Redis lost them (queues/scheduler-keeper.ts). */
    schedulersInPlace: `${p}:schedulers:in-place`,
    /** When the schedulers were last re-created after Redis lost them (ISO time), for /readyz. */
    schedulersRecreated: `${p}:schedulers:recreated`,
    /** The dashboard's per-minute queue samples (server/samples.ts). */
    queueSamples: `${p}:dashboard:queue-samples`,
  };
}

export type Keys = ReturnType<typeof keys>;
