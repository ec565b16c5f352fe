import { describe, expect, it } from 'vitest';
import { readReplay } from '../../../../local-supabase/realtime/replay.ts';

const join = (replay: unknown) => ({ config: { private: true, broadcast: { ack: false, self: false, replay } } });

describe('readReplay', () => {
  it('is absent unless config.broadcast.replay is there', () => {
    expect(readReplay({ config: { broadcast: { ack: false } } })).toEqual({ kind: 'none' });
    expect(readReplay({})).toEqual({ kind: 'none' });
    expect(readReplay(null)).toEqual({ kind: 'none' });
  });

  it('reads since (ms) and limit, 25 by default, clamped to 1..25 as Realtime.Messages.replay does', () => {
    expect(readReplay(join({ since: 1000 }))).toEqual({ kind: 'replay', since: 1000, limit: 25 });
    expect(readReplay(join({ since: 1000, limit: 3 }))).toEqual({ kind: 'replay', since: 1000, limit: 3 });
    expect(readReplay(join({ since: 1000, limit: 500 }))).toEqual({ kind: 'replay', since: 1000, limit: 25 });
    expect(readReplay(join({ since: 1000, limit: 0 }))).toEqual({ kind: 'replay', since: 1000, limit: 1 });
    expect(readReplay(join({ since: 0, limit: -4 }))).toEqual({ kind: 'replay', since: 0, limit: 1 });
  });

  it('refuses a missing or non-integer since, a non-integer limit and a non-object replay', () => {
    for (const bad of [{}, { since: 'yesterday' }, { since: 1.5 }, { since: -1 }, { since: 10, limit: '5' }, 'x', [], null]) {
      expect(readReplay(join(bad)), JSON.stringify(bad)).toEqual({ kind: 'invalid' });
    }
  });
});
