// Which parameters the experiment form shows first and which it folds: pure, derived from the schema.
// Specs may say `advanced` / `group` (core/experiments/types.ts); without marks, a generic rule applies.
import type { ParamSchema } from '../../core/experiments/types';

/** Parameters shown unfolded when the schema marks none as advanced. */
export const PRIMARY_COUNT = 9;

export interface ParamSection {
  /** The group heading; null for parameters without a group. */
  title: string | null;
  names: string[];
}

export interface ParamLayout {
  primary: ParamSection[];
  /** Folded under "More parameters"; empty when nothing is folded. */
  advanced: ParamSection[];
}

/** Names in declared order, gathered by group (ungrouped first, then groups in order of first use). */
function sections(schema: ParamSchema, names: readonly string[]): ParamSection[] {
  const out: ParamSection[] = [];
  for (const name of names) {
    const title = schema[name]?.group ?? null;
    let section = out.find((s) => s.title === title);
    if (!section) {
      section = { title, names: [] };
      if (title === null) out.unshift(section);
      else out.push(section);
    }
    section.names.push(name);
  }
  return out;
}

/**
 * Split a schema into what the form shows and what it folds. When any spec sets `advanced`, those marks
 * decide. Otherwise files (`text` params, usually empty) are folded, and of the rest the first
 * `primaryCount` in declared order stay open, the others fold (a lone leftover stays open: a fold of one
 * hides more than it saves).
 */
export function layoutParams(schema: ParamSchema, primaryCount = PRIMARY_COUNT): ParamLayout {
  const names = Object.keys(schema);
  const marked = names.some((n) => schema[n]?.advanced !== undefined);
  let open: string[];
  if (marked) open = names.filter((n) => schema[n]?.advanced !== true);
  else {
    const plain = names.filter((n) => schema[n]?.kind !== 'text');
    open = plain.length <= primaryCount + 1 ? plain : plain.slice(0, primaryCount);
  }
  const folded = names.filter((n) => !open.includes(n));
  return { primary: sections(schema, open), advanced: sections(schema, folded) };
}

/** Every name of a layout's sections, in the order the form shows them. */
export function namesOf(list: readonly ParamSection[]): string[] {
  return list.flatMap((s) => s.names);
}
