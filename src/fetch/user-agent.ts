import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The product token robots.txt groups are matched against. */
export const ROBOTS_TOKEN = 'marsad';

/** marsad's version from its package.json, found upwards from this file (src/ when run by tsx, dist/src/ when built). */
function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'marsad' && pkg.version) return pkg.version;
    } catch {
      // no (readable) package.json at this level: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

export const MARSAD_VERSION = packageVersion();

/** `marsad/<version> (+<contact>)`: site operators see who is fetching and how to reach them. */
export function userAgent(contact: string | null): string {
  return `${ROBOTS_TOKEN}/${MARSAD_VERSION} (${contact ? `+${contact}` : 'no contact configured'})`;
}
