import { z } from 'zod';

/** Schema pieces that several config files share, so that they accept and explain the same things. */

export const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A kebab-case id; `example` shows what one looks like in the file at hand. */
export function kebabId(example: string) {
  return z
    .string({ error: 'must be a kebab-case id' })
    .regex(KEBAB_ID, `must be kebab-case: lower-case letters and digits joined by single hyphens, e.g. "${example}"`);
}

export const HttpUrl = z.string({ error: 'must be an http:// or https:// URL' }).refine(
  (s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  },
  { message: 'must be an absolute http:// or https:// URL' },
);
