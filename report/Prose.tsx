// Text written in core (descriptions, comparison notes) marks names of parameters, metrics and files with
// backticks, as in Markdown; shown as code here instead of as raw backticks. No other markup is read.
import type { ReactNode } from 'react';

/** `text` with each `…` span as <code>; an unpaired backtick stays as it is. */
export function Prose({ text }: { text: string }): ReactNode {
  const parts = text.split('`');
  if (parts.length < 3) return text;
  const paired = parts.length % 2 === 1 ? parts : [...parts.slice(0, -2), `${parts.at(-2)}\`${parts.at(-1)}`];
  return paired.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part));
}
