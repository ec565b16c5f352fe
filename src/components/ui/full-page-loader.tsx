export function FullPageLoader({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="full-page-state" role="status" aria-live="polite">
      <span className="muted">{label}</span>
    </div>
  );
}
