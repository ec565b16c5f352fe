export type Theme = 'light' | 'dark';
export type ThemePreference = Theme | 'system';

const STORAGE_KEY = 'dashboard-theme';
const listeners = new Set<() => void>();
/** the choice made on this page when storage is unavailable (private mode, blocked cookies) */
let unstored: ThemePreference | null = null;

function readPreference(): ThemePreference {
  if (unstored !== null) return unstored;
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

function systemTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function resolvedTheme(): Theme {
  const pref = readPreference();
  return pref === 'system' ? systemTheme() : pref;
}

/** Puts the stored preference on <html data-theme>; no attribute means "follow the system". */
export function applyTheme(): void {
  const pref = readPreference();
  if (pref === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = pref;
}

export function setThemePreference(pref: ThemePreference): void {
  try {
    if (pref === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, pref);
    unstored = null;
  } catch {
    // Private mode without storage: the choice lasts for this page only.
    unstored = pref;
  }
  applyTheme();
  listeners.forEach((l) => l());
}

export function themePreference(): ThemePreference {
  return readPreference();
}

/** Notified when the preference or the system theme changes. */
export function subscribeToTheme(listener: () => void): () => void {
  listeners.add(listener);
  const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  media?.addEventListener('change', listener);
  return () => {
    listeners.delete(listener);
    media?.removeEventListener('change', listener);
  };
}
