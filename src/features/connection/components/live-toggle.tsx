import { Button } from '@/components/ui/button';

export interface LiveToggleProps {
  paused: boolean;
  onPause: () => void;
  onResume: () => void;
}

/** Pauses and resumes live updates for the whole dashboard. */
export function LiveToggle({ paused, onPause, onResume }: LiveToggleProps) {
  return (
    <Button
      size="small"
      data-testid="live-toggle"
      aria-pressed={paused}
      onClick={paused ? onResume : onPause}
      aria-label={paused ? 'Resume live updates' : 'Pause live updates'}
      title={paused ? 'Resume live updates' : 'Pause live updates'}
    >
      <span aria-hidden="true">{paused ? '▶' : '❚❚'}</span>
      <span className="live-toggle__text">{paused ? 'Resume live' : 'Pause live'}</span>
    </Button>
  );
}
