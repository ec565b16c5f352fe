import { Button } from '@/components/ui/button';
import { LoadMoreSentinel } from '@/components/ui/load-more-sentinel';

export interface LoadMoreProps {
  hasMore: boolean;
  loading: boolean;
  /** false while the first page is not settled: scrolling must not page yet */
  ready: boolean;
  onLoadOlder: () => void;
  endText: string;
}

/** Infinite scroll into the past, with a button for keyboards and for when the sentinel is not seen. */
export function LoadMore({ hasMore, loading, ready, onLoadOlder, endText }: LoadMoreProps) {
  const auto = () => {
    if (hasMore && !loading && ready) onLoadOlder();
  };
  return (
    <div className="activity-feed__more">
      {hasMore ? (
        <>
          <LoadMoreSentinel onVisible={auto} disabled={loading || !ready} />
          <Button size="small" onClick={onLoadOlder} disabled={loading}>
            {loading ? 'Loading older activity…' : 'Load older activity'}
          </Button>
        </>
      ) : (
        <span className="muted">{endText}</span>
      )}
    </div>
  );
}
