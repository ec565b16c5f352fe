import { useLiveCommands } from '@/live';
import { useSessionStore } from '@/live/stores/session-store';
import { UserMenu } from './user-menu';

export function UserMenuSection() {
  const user = useSessionStore((s) => s.user);
  const { signOut } = useLiveCommands();
  if (!user) return null;
  return <UserMenu user={user} onSignOut={signOut} />;
}
