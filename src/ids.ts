import { createHash } from 'node:crypto';
import { urlKey } from './dedup/canonical-url.js';

/**
 * A document's id, from what it is: its URL when it has one (the same page is the same article
 * however often it is seen), else its exact bytes. 16 hex digits of sha256.
 */
export function documentId(input: { url: string | null; body: string }): string {
  const key = input.url ? `url:${urlKey(input.url)}` : `body:${input.body}`;
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
