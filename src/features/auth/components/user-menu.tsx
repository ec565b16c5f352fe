import { useState } from 'react';
import type { StaffUser } from '@/live/types';
import { Button } from '@/components/ui/button';

export interface UserMenuProps {
  user: StaffUser;
  onSignOut: () => Promise<void>;
}

export function UserMenu({ user, onSignOut }: UserMenuProps) {
  const [pending, setPending] = useState(false);
  return (
    <div className="user-menu">
      <span className="user-menu__name" title={user.email}>
        {user.displayName || user.email}
      </span>
      <span className="badge" aria-label={`Role: ${user.role}`}>
        {user.role}
      </span>
      <Button
        size="small"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          try {
            await onSignOut();
          } finally {
            setPending(false);
          }
        }}
      >
        Sign out
      </Button>
    </div>
  );
}
