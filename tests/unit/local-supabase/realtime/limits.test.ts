import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../../local-supabase/realtime/limits.ts';

// Supabase's values (shared/supabase-protocol.md §1.13, §5): an app that fits locally fits there.
describe('realtime default limits', () => {
  it('are Supabase\'s for channels, joins, frames, broadcasts and change records', () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      maxChannelsPerClient: 100,
      maxJoinsPerSecond: 100,
      maxFrameBytes: 5_000_000,
      maxBroadcastPayloadBytes: 3000 * 1024 + 500,
      maxRecordBytes: 1_048_576,
      joinErrorDelayMs: 5000,
      connectErrorDelayMs: 2000,
    });
  });
});
