/**
 * The task and container specs a variant gave the engine, as sorted `field value` lines (the report's
 * "what each variant runs"): engine-neutral, the same words as the variants' Change lists. Pure.
 */
import type { TranslatedTask } from '../../lib/local/translate/task';

const line = (k: string, v: unknown) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`;
/** Fields that differ between runs of the same variant (names, labels, ports) or are the image. */
const RUN_SPECIFIC = new Set(['name', 'engineName', 'labels', 'publish', 'image', 'env']);

/** Task-scoped names (volumes, their mounts) start with the run's task name: written as `<task>` instead. */
const TASK_PLACEHOLDER = '<task>';

export function describeSpec(t: TranslatedTask): { task: string[]; containers: Record<string, string[]> } {
  const fields = (o: object) =>
    Object.entries(o)
      .filter(([k, v]) => v !== undefined && !RUN_SPECIFIC.has(k))
      .map(([k, v]) => (t.task.name ? line(k, v).split(t.task.name).join(TASK_PLACEHOLDER) : line(k, v)))
      .sort();
  return { task: fields(t.task), containers: Object.fromEntries(t.containers.map((c) => [c.name, fields(c.spec)])) };
}
