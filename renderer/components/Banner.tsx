// One-line banners: errors (a bad file, a failed save) and notices (odd links, what was opened).
export interface BannerState {
  kind: 'error' | 'info';
  text: string;
}

export function Banner({ banner, onDismiss }: { banner: BannerState; onDismiss(): void }) {
  return (
    <div
      className={`banner banner-${banner.kind}`}
      role={banner.kind === 'error' ? 'alert' : 'status'}
      data-testid={banner.kind === 'error' ? 'error-banner' : 'info-banner'}
    >
      <span className="banner-text">{banner.text}</span>
      <button type="button" className="ghost small" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}

export function Notices({ notices }: { notices: readonly string[] }) {
  if (notices.length === 0) return null;
  return (
    <div className="banner banner-notice" role="status" data-testid="hash-notice">
      {notices.map((n) => (
        <div key={n}>{n}</div>
      ))}
    </div>
  );
}
