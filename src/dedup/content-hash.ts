import { createHash } from 'node:crypto';

/**
 * Exact-duplicate key: sha256 (hex) of the text with every whitespace run collapsed to one space and the ends
 * trimmed, so reflowed copies of one text hash alike. The input must already be normalized by `src/text/arabic.ts`;
 * this module deliberately does no Arabic-specific folding of its own. A token array hashes like the same tokens
 * joined by spaces.
 */
export function contentHash(normalized: string | readonly string[]): string {
  const text = typeof normalized === 'string' ? normalized : normalized.join(' ');
  return createHash('sha256').update(text.replace(/\s+/gu, ' ').trim(), 'utf8').digest('hex');
}
