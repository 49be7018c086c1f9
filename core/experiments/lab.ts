// The lab contract: one lab = one typed module (core/<lab>/lab.ts) naming its paper, its experiments and
// its live view. The composition root, core/labs.ts, lists every lab once; the renderer's views and the
// view-model map derive from that list, so adding a lab adds one line there and one in renderer/labs/views.ts.
import type { Experiment, LabView, ParamSchema } from './types';

export interface Lab<Id extends string = string, Model = unknown> {
  /** The URL path and the id results and links use, e.g. "kv" for `#/kv`. */
  id: Id;
  /** Short name in the navigator, e.g. "LLM serving". */
  title: string;
  /** The papers the lab reproduces, short form, e.g. "PagedAttention / vLLM (SOSP’23)". */
  paper: string;
  /** What the lab's main picture shows, in one or two sentences. */
  picture: string;
  /** What a user does there. */
  activity: string;
  /** Its experiments in the order the lab page and `list` show them. */
  experiments: readonly [Experiment, ...Experiment[]];
  /** Its live view: `Model` is what the renderer's view receives (a whole model, or each streamed chunk). */
  view: LabView<ParamSchema, Model>;
}

/** Identity helper that keeps the lab's literal id and its view's model type (core/labs.ts derives from both). */
export function defineLab<const Id extends string, Model>(lab: Lab<Id, Model>): Lab<Id, Model> {
  return lab;
}
