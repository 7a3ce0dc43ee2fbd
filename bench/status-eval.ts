// Prints the milestone-status scores on the labelled sets, and with -v every error, for tuning the
// lexicons in config/: `npx tsx bench/status-eval.ts -v`. The held-out set measures generalisation:
// do not tune on its errors.
import { loadConfig } from '../src/config/load.js';
import { compileCores } from '../src/cores.js';
import { formatStatusScore, readLabelledSet, scoreStatus } from './milestone-status.js';

const cores = compileCores(loadConfig());
for (const name of ['sentences', 'sentences-2', 'articles', 'heldout'] as const) {
  const score = scoreStatus(cores, readLabelledSet(name));
  console.log(formatStatusScore(name, score));
  if (process.argv.includes('-v')) console.log(score.errors.map((e) => `  ${e}`).join('\n'));
}
