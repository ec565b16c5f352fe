import { useSyncExternalStore } from 'react';
import { Button } from '@/components/ui/button';
import { resolvedTheme, setThemePreference, subscribeToTheme } from '../utils/theme';

export function ThemeToggle() {
  const theme = useSyncExternalStore(subscribeToTheme, resolvedTheme, () => 'light' as const);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <Button
      variant="ghost"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={() => setThemePreference(next)}
    >
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
    </Button>
  );
}
