import { useShallow } from 'zustand/react/shallow';
import { useLiveCommands, useConnectionStore } from '@/live';
import type { ConnectionInfo } from '@/live/types';
import { ConnectionStatus } from './connection-status';
import { LiveToggle } from './live-toggle';

export function ConnectionStatusSection() {
  const info: ConnectionInfo = useConnectionStore(
    useShallow((s) => ({
      state: s.state,
      since: s.since,
      lastEventAt: s.lastEventAt,
      reconnectAttempts: s.reconnectAttempts,
      eventsReceived: s.eventsReceived,
      pollsMade: s.pollsMade,
      pollIntervalMs: s.pollIntervalMs,
      lastCommitToScreenMs: s.lastCommitToScreenMs,
      droppedPayloads: s.droppedPayloads,
      rpcErrors: s.rpcErrors,
      lastError: s.lastError,
    })),
  );
  return <ConnectionStatus info={info} />;
}

export function LiveToggleSection() {
  const paused = useConnectionStore((s) => s.state === 'paused');
  const { pause, resume } = useLiveCommands();
  return <LiveToggle paused={paused} onPause={pause} onResume={resume} />;
}
