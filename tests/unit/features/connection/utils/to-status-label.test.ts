import { describe, expect, it } from 'vitest';
import { formatDelay, toStatusLabel } from '@/features/connection/utils/to-status-label';

describe('toStatusLabel', () => {
  it('names each state', () => {
    expect(toStatusLabel({ state: 'connecting', pollIntervalMs: null })).toBe('Connecting');
    expect(toStatusLabel({ state: 'live', pollIntervalMs: null })).toBe('Live');
    expect(toStatusLabel({ state: 'offline', pollIntervalMs: 5000 })).toBe('Offline');
    expect(toStatusLabel({ state: 'paused', pollIntervalMs: null })).toBe('Paused');
  });

  it('says how often it polls', () => {
    expect(toStatusLabel({ state: 'polling', pollIntervalMs: 5000 }, 'en-US')).toBe('Polling (every 5 s)');
    expect(toStatusLabel({ state: 'polling', pollIntervalMs: 2500 }, 'en-US')).toBe('Polling (every 2.5 s)');
    expect(toStatusLabel({ state: 'polling', pollIntervalMs: null })).toBe('Polling');
  });
});

describe('formatDelay', () => {
  it('uses ms below a second and s above', () => {
    expect(formatDelay(null)).toBe('—');
    expect(formatDelay(84, 'en-US')).toBe('84 ms');
    expect(formatDelay(1530, 'en-US')).toBe('1.5 s');
  });
});
