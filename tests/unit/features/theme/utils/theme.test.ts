// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolvedTheme, setThemePreference, themePreference } from '@/features/theme/utils/theme';

afterEach(() => {
  vi.restoreAllMocks();
  setThemePreference('system');
});

describe('theme preference', () => {
  it('stores the choice and puts it on <html data-theme>', () => {
    setThemePreference('dark');
    expect(localStorage.getItem('dashboard-theme')).toBe('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    setThemePreference('system');
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('still switches for this page when storage is unavailable', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    setThemePreference('dark');
    expect(themePreference()).toBe('dark');
    expect(resolvedTheme()).toBe('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
  });
});
