import { useLiveCommands, useSessionStore } from '@/live';
import { UserMenu } from './user-menu';

export function UserMenuSection() {
  const user = useSessionStore((s) => s.user);
  const { signOut } = useLiveCommands();
  if (!user) return null;
  return <UserMenu user={user} onSignOut={signOut} />;
}
