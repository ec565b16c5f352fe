import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { preloadLive, useLiveCommands, useLiveEngine } from '@/live/use-live-engine';
import { useSessionStore } from '@/live/stores/session-store';
import type { LiveAppDeps } from '@/live/mount-types';
import { createFakeApi, createFakeEnv, FakeClient, FakeDb } from './fakes';

beforeEach(async () => {
  // the engine's chunk is loaded lazily (main.tsx starts the import at boot): loaded before the clock is faked
  await preloadLive();
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup() {
  const db = new FakeDb();
  const client = new FakeClient();
  const session = { valid: false, refreshable: true, token: 'token-1' };
  const deps: LiveAppDeps = { client: client.asClient(), api: createFakeApi(db, session), env: createFakeEnv().env };
  return { client, deps };
}

function Status() {
  const status = useSessionStore((s) => s.status);
  const { signIn } = useLiveCommands();
  return (
    <div>
      <p>{status}</p>
      <button type="button" onClick={() => void signIn('admin@example.com', 'password123')}>
        Sign in
      </button>
    </div>
  );
}

function App({ deps }: { deps: () => LiveAppDeps }) {
  useLiveEngine(deps);
  return <Status />;
}

describe('useLiveEngine', () => {
  it('mounts the engine once, drives the stores, and stops it on unmount', async () => {
    const { client, deps } = setup();
    const factory = vi.fn(() => deps);
    const view = render(<App deps={factory} />);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(20);
    });
    expect(screen.getByText('signed-out')).toBeTruthy();
    await act(async () => {
      screen.getByRole('button', { name: 'Sign in' }).click();
      await vi.advanceTimersByTimeAsync(20);
    });
    expect(screen.getByText('signed-in')).toBeTruthy();
    // the default transport: the role's private delta topic, one channel
    expect(client.getChannels().map((c) => [c.name, c.options])).toEqual([['dashboard:admin', { config: { private: true } }]]);
    view.unmount();
    expect(client.getChannels()).toHaveLength(0);
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('commands before any engine is mounted do nothing harmful', async () => {
    const commands = useLiveCommands();
    expect(await commands.signIn('a@b.c', 'x')).toEqual({ error: expect.any(String) });
    expect(() => commands.pause()).not.toThrow();
  });
});
