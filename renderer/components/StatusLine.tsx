// The footer: which host the renderer runs in, the core's version, and the last run's state.
import { LAB_VERSION } from '../../core/version';
import { GpuBadge } from '../gpu/GpuBadge';

interface Props {
  hostKind: 'electron' | 'web';
  message: string;
}

export function StatusLine({ hostKind, message }: Props) {
  return (
    <footer className="status-line" data-testid="status-line">
      <span data-testid="host-kind">{hostKind === 'electron' ? 'Electron app' : 'Browser'}</span>
      <span className="sep">·</span>
      <span data-testid="core-version">core v{LAB_VERSION}</span>
      <span className="sep">·</span>
      <span>simulations run in a Web Worker</span>
      <span className="sep">·</span>
      <GpuBadge />
      <span className="status-message" title={message}>
        {message}
      </span>
    </footer>
  );
}
