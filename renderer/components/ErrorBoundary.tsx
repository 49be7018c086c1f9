// Keeps a drawing bug from blanking the window: the failing part shows one line instead.
import { Component } from 'react';
import type { ReactNode } from 'react';
import { oneLine } from '../worker/protocol';

interface Props {
  what: string;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { message: string | null }> {
  override state = { message: null as string | null };

  static getDerivedStateFromError(error: unknown) {
    return { message: oneLine(error) };
  }

  override render() {
    if (this.state.message === null) return this.props.children;
    return (
      <div className="banner banner-error" role="alert" data-testid="render-error">
        Could not draw {this.props.what}: {this.state.message}
      </div>
    );
  }
}
