import type { Goal } from '../goals';

/** What one section of the report contributes: its Markdown lines, its goals and its lines of the closing note. */
export interface Section {
  readonly markdown: string[];
  readonly goals: Goal[];
  readonly notes: string[];
}
