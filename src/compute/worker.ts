// A compute thread: runs the pure cores on what the pool sends, one task at a time.
import { parentPort } from 'node:worker_threads';
import { tagArticle } from '../cores.js';
import { cleanDocument } from '../extract/document.js';
import type { ComputeReply, ComputeTask, TagCores } from './protocol.js';

const cores = new Map<string, TagCores>();

parentPort!.on('message', (task: ComputeTask & { id: number }) => {
  let reply: ComputeReply;
  try {
    reply = { id: task.id, ok: true, value: run(task) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = { id: task.id, ok: false, name: e.name, message: e.message };
  }
  parentPort!.postMessage(reply);
});

function run(task: ComputeTask): unknown {
  if (task.kind === 'clean') return cleanDocument(task.doc, task.rules);
  if (task.cores) cores.set(task.coresKey, task.cores);
  const compiled = cores.get(task.coresKey);
  if (!compiled) throw new Error(`compute thread: cores ${task.coresKey} were never sent`);
  return tagArticle(compiled, task.article);
}
