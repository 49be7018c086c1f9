// The lab navigator: one link per lab (remembering each lab's last state in its href), plus the
// app-level commands (open a saved result, about).
import { NAV_LABS, labInfo } from '../labs/catalog';
import type { NavLab } from '../labs/catalog';

interface Props {
  current: NavLab;
  hrefs: Readonly<Record<NavLab, string>>;
  /** Labs with at least one registered experiment. */
  live: ReadonlySet<NavLab>;
  onOpenResult(): void;
  onAbout(): void;
}

export function Sidebar({ current, hrefs, live, onOpenResult, onAbout }: Props) {
  return (
    <nav className="sidebar" aria-label="Labs">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span>Hyperscale Lab</span>
      </div>
      <ul className="nav-list">
        {NAV_LABS.map((id) => {
          const info = labInfo(id);
          return (
            <li key={id}>
              <a
                href={hrefs[id]}
                data-testid={`nav-${id}`}
                className={id === current ? 'nav-item active' : 'nav-item'}
                aria-current={id === current ? 'page' : undefined}
              >
                <span className="nav-name">
                  {info.name}
                  {!live.has(id) && <span className="tag">coming</span>}
                </span>
                <span className="nav-paper">{info.papers}</span>
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
