// The lab navigator: one link per lab of core/labs.ts (remembering each lab's last state in its href),
// plus the app-level commands (open a saved result, about).
import { LABS } from '../../core/labs';
import type { LabId } from '../../core/labs';

interface Props {
  current: LabId;
  hrefs: Readonly<Record<LabId, string>>;
  onOpenResult(): void;
  onAbout(): void;
}

export function Sidebar({ current, hrefs, onOpenResult, onAbout }: Props) {
  return (
    <nav className="sidebar" aria-label="Labs">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span>Hyperscale Lab</span>
      </div>
      <ul className="nav-list">
        {LABS.map(({ id, title, paper }) => {
          return (
            <li key={id}>
              <a
                href={hrefs[id]}
                data-testid={`nav-${id}`}
                className={id === current ? 'nav-item active' : 'nav-item'}
                aria-current={id === current ? 'page' : undefined}
              >
                <span className="nav-name">{title}</span>
                <span className="nav-paper">{paper}</span>
              </a>
            </li>
          );
        })}
      </ul>
      <div className="sidebar-actions">
        <button type="button" data-testid="open-result" onClick={onOpenResult}>
          Open result…
        </button>
        <button type="button" data-testid="about-button" className="ghost" onClick={onAbout}>
          About
        </button>
      </div>
    </nav>
  );
}
