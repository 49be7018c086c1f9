// The one page every lab uses: its live view in a bounded band on top (drag the bar to resize, or fold
// it away), then the workspace: the experiment form (own scroll, Run/Cancel footer) beside the results.
import { useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent, ReactNode } from 'react';

interface Props {
  /** The lab's live view (LAB_VIEWS[lab]); it fills the band and measures it. */
  view: ReactNode;
  /** The experiment form, or null for a lab without experiments. */
  form: ReactNode;
  results: ReactNode;
  busy: boolean;
}

/** The band's height: null follows the CSS default (which leaves the workspace room at any size). */
interface Stage {
  heightPx: number | null;
  collapsed: boolean;
}

const STORE_KEY = 'hyperscale-lab.stage';
const MIN_STAGE_PX = 140;
/** Room the workspace keeps below a dragged band (form head, a few fields, the Run footer). */
const MIN_WORKSPACE_PX = 300;

function loadStage(): Stage {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE_KEY) ?? 'null') as Partial<Stage> | null;
    return {
      heightPx: typeof saved?.heightPx === 'number' ? saved.heightPx : null,
      collapsed: saved?.collapsed === true,
    };
  } catch {
    return { heightPx: null, collapsed: false };
  }
}

function saveStage(stage: Stage) {
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(stage));
  } catch {
    // Storage off (private window): the band simply forgets its size.
  }
}

export function LabPage({ view, form, results, busy }: Props) {
  const [stage, setStageState] = useState(loadStage);
  const stageRef = useRef<HTMLDivElement>(null);
  const drag = useRef<{ startY: number; startPx: number; maxPx: number } | null>(null);
  const setStage = (next: Stage) => {
    setStageState(next);
    saveStage(next);
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 || (event.target as HTMLElement).closest('button')) return;
    const el = stageRef.current;
    const page = el?.parentElement;
    if (!el || !page) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const startPx = stage.collapsed ? 0 : el.getBoundingClientRect().height;
    drag.current = { startY: event.clientY, startPx, maxPx: page.clientHeight - MIN_WORKSPACE_PX };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const px = Math.round(d.startPx + event.clientY - d.startY);
    setStageState({ heightPx: Math.max(MIN_STAGE_PX, Math.min(d.maxPx, px)), collapsed: false });
  };
  const onPointerUp = () => {
    if (!drag.current) return;
    drag.current = null;
    saveStage(stage);
  };
  const onBarKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const el = stageRef.current;
    if (!el || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    event.preventDefault();
    const px = el.getBoundingClientRect().height + (event.key === 'ArrowUp' ? -24 : 24);
    setStage({ heightPx: Math.max(MIN_STAGE_PX, px), collapsed: false });
  };

  const style = stage.heightPx === null || stage.collapsed ? undefined : { height: `${stage.heightPx}px` };
  return (
    <div className="lab-page" data-testid="lab-page">
      <div
        className={`lab-stage${stage.collapsed ? ' collapsed' : ''}`}
        data-testid="lab-stage"
        ref={stageRef}
        style={style}
        aria-hidden={stage.collapsed || undefined}
      >
        {view}
      </div>
      <div
        className="stage-bar"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the live view (arrow keys)"
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onBarKey}
        onDoubleClick={() => setStage({ heightPx: null, collapsed: false })}
        title="Drag to resize the live view; double-click for the default size"
      >
        <span className="grip" aria-hidden="true" />
        <button
          type="button"
          className="ghost stage-toggle"
          data-testid="stage-toggle"
          aria-expanded={!stage.collapsed}
          onClick={() => setStage({ ...stage, collapsed: !stage.collapsed })}
        >
          {stage.collapsed ? '▾ Show view' : '▴ Hide view'}
        </button>
      </div>
      {form ? (
        <div className="workspace">
          {form}
          <div className={`results-pane${busy ? ' busy' : ''}`}>{results}</div>
        </div>
      ) : null}
    </div>
  );
}
