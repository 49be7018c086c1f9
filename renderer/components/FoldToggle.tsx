// The small ghost button that folds and unfolds a block (a view bar's advanced fields, the mesh map's key):
// its label says what a click does, with ▾ (unfold) or ▴ (fold).
interface Props {
  open: boolean;
  onToggle(): void;
  /** Text while folded (a click unfolds) and while open (a click folds), without the arrow. */
  closedText: string;
  openText: string;
  testId: string;
  className?: string;
}

export function FoldToggle({ open, onToggle, closedText, openText, testId, className }: Props) {
  return (
    <button
      type="button"
      className={`small ghost${className ? ` ${className}` : ''}`}
      data-testid={testId}
      aria-expanded={open}
      onClick={onToggle}
    >
      {open ? `${openText} ▴` : `${closedText} ▾`}
    </button>
  );
}
