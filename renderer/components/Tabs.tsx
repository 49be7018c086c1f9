// One row of tabs (a tablist): the results pane's Result / Sweep, and a view's panes shown one at a time. One
// component, so every tab row looks and behaves the same; each tab's test id is `${testId}-${id}`.
interface Props<T extends string> {
  tabs: readonly (readonly [T, string])[];
  selected: NoInfer<T>;
  onSelect(id: NoInfer<T>): void;
  /** What the tabs switch, for screen readers. */
  label: string;
  testId: string;
  className?: string;
}

export function Tabs<T extends string>({ tabs, selected, onSelect, label, testId, className }: Props<T>) {
  return (
    <div className={`tabs${className ? ` ${className}` : ''}`} role="tablist" aria-label={label}>
      {tabs.map(([id, text]) => (
        <button
          key={id}
          type="button"
          role="tab"
          aria-selected={selected === id}
          className={selected === id ? 'on' : ''}
          data-testid={`${testId}-${id}`}
          onClick={() => onSelect(id)}
        >
          {text}
        </button>
      ))}
    </div>
  );
}
