// The About dialog: what the app is, the core's version and where it is running.
import { useEffect, useRef } from 'react';
import { LAB_VERSION } from '../../core/version';

interface Props {
  open: boolean;
  hostName: string;
  shellVersion?: string;
  onClose(): void;
}

export function AboutDialog({ open, hostName, shellVersion, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="about" data-testid="about-dialog" onClose={onClose}>
      <h2>Hyperscale Lab</h2>
      <p className="version" data-testid="about-version">
        version {LAB_VERSION}
      </p>
      <p>
        Designs from systems papers run as deterministic simulations: vary the parameters, compare with the
        published numbers, and export a report anyone can re-run to the same bytes.
      </p>
      <p className="muted">
        Running in: {hostName}
        {shellVersion && shellVersion !== LAB_VERSION ? ` (app shell ${shellVersion})` : ''}
      </p>
      <form method="dialog">
        <button type="submit" className="primary" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
}
