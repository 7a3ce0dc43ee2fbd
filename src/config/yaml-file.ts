import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isNode, isScalar } from 'yaml';
import type { z } from 'zod';

/** A configuration problem, always naming the file, the line and the key, and how to fix it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }

  /** One problem, said on one line: `file: problem`. */
  static oneLine(file: string, problem: string): ConfigError {
    const error = new ConfigError(file, [problem]);
    error.message = `${file}: ${problem}`;
    return error;
  }

  /** Several files' problems as one error (its `file` is the first one's); the message names every file. */
  static combine(errors: readonly ConfigError[]): ConfigError {
    const combined = new ConfigError(errors[0]!.file, errors.flatMap((e) => e.problems.map((p) => `${e.file}: ${p}`)));
    combined.message = errors.map((e) => e.message).join('\n');
    return combined;
  }
}

/** yaml's cap on alias expansion (its default is 100); config files use a handful of aliases at most. */
const MAX_ALIAS_COUNT = 50;

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

/**
 * Parses YAML text and validates it against `schema`; every error names `file:line`, the key path
 * and what the schema expected.
 */
export function parseYamlConfig<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        // Quote the line, so that the message names the key even when the line number is off by one.
        const source = (text.split(/\r?\n/)[pos.line - 1] ?? '').trim();
        const quoted = source ? ` at «${source.length > 80 ? `${source.slice(0, 77)}...` : source}»` : '';
        return `line ${pos.line}, column ${pos.col}: YAML syntax: ${e.message.split('\n')[0]}${quoted} (fix the syntax there)`;
      }),
    );
  }
  let value: unknown;
  try {
    // An alias bomb (aliases of aliases of lists) would expand to billions of nodes: refuse it early.
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw ConfigError.oneLine(file, `YAML aliases expand too far (${(err as Error).message}); a configuration file needs no more than a few anchors and aliases (&name, *name)`);
  }
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    // Point at the deepest node of the path that exists in the document.
    let line: number | undefined;
    // An unknown key: point at that key itself, not at the mapping around it.
    if (issue.code === 'unrecognized_keys') {
      const map = doc.getIn(issue.path as unknown[], true);
      const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && issue.keys.includes(String(p.key.value))) : undefined;
      if (pair && isScalar(pair.key) && pair.key.range) line = lineCounter.linePos(pair.key.range[0]).line;
    }
    for (let depth = issue.path.length; depth >= 0 && line === undefined; depth--) {
      const node = doc.getIn(issue.path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) line = lineCounter.linePos(node.range[0]).line;
    }
    const where = line === undefined ? '' : `line ${line}: `;
    return `${where}${formatPath(issue.path)}: ${issue.message}`;
  });
  throw new ConfigError(file, problems);
}

export function readYamlConfig<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint =
      code === 'ENOENT'
        ? 'the file is missing: create it (see README.md, Configuration) or point MARSAD_CONFIG_DIR at the folder that has it'
        : `cannot read it (${code ?? String(err)})`;
    throw new ConfigError(file, [hint]);
  }
  return parseYamlConfig(file, text, schema);
}
