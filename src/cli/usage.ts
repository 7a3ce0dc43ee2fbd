// Usage texts and option tables of the commands whose definitions are long: kept apart from the commands
// themselves so that \`marsad --help\` (and every command's parsing) loads none of their code.
import type { ParseArgsConfig } from 'node:util';

export const SUBSCRIBERS_USAGE = [
  'marsad subscribers [list] [--json]',
  '  |  marsad subscribers add --id ID (--webhook URL [--secret S] | --email ADDRESS) [--milestone ID]... [--base ID]... [--topic ID]...',
  '       [--language ar|en]... [--outlet NAME]... [--on report|status] [--digest hourly|daily@HH:MM[/ZONE]] [--rate-limit MAX/PER] [--json]',
  '  |  marsad subscribers remove ID  |  marsad subscribers secret ID',
].join('\n');

export const SUBSCRIBERS_OPTIONS = {
  json: { type: 'boolean' },
  id: { type: 'string' },
  webhook: { type: 'string' },
  secret: { type: 'string' },
  email: { type: 'string' },
  milestone: { type: 'string', multiple: true },
  base: { type: 'string', multiple: true },
  topic: { type: 'string', multiple: true },
  language: { type: 'string', multiple: true },
  outlet: { type: 'string', multiple: true },
  on: { type: 'string' },
  digest: { type: 'string' },
  'rate-limit': { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const STORIES_USAGE = 'marsad stories [--json] [--milestone ID] [--limit N]  |  marsad stories show STORY_ID [--json]';
