import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { LoginForm } from '@/features/auth/components/login-form';
import { UserMenu } from '@/features/auth/components/user-menu';

describe('LoginForm', () => {
  it('signs in with the e-mail and password typed', async () => {
    const onSignIn = vi.fn().mockResolvedValue({ error: null });
    const { container } = render(<LoginForm onSignIn={onSignIn} />);
    expect(container.querySelector('input[name="email"]')).toBe(screen.getByLabelText('Email'));
    expect(container.querySelector('input[name="password"]')).toBe(screen.getByLabelText('Password'));
    await userEvent.type(screen.getByLabelText('Email'), 'admin@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'password123{Enter}');
    expect(onSignIn).toHaveBeenCalledWith('admin@example.com', 'password123');
  });

  it('shows the error from a failed sign-in', async () => {
    const onSignIn = vi.fn().mockResolvedValue({ error: 'Invalid login credentials' });
    render(<LoginForm onSignIn={onSignIn} />);
    await userEvent.type(screen.getByLabelText('Email'), 'a@b.c');
    await userEvent.type(screen.getByLabelText('Password'), 'x');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid login credentials');
  });

  it('shows why the session ended', () => {
    render(<LoginForm onSignIn={vi.fn()} message="Your session expired. Please sign in again." />);
    expect(screen.getByRole('status')).toHaveTextContent('Your session expired');
  });

  it('fills in a demo login on the local stack only', async () => {
    const { rerender } = render(<LoginForm onSignIn={vi.fn()} />);
    expect(screen.queryByText(/Demo logins/)).not.toBeInTheDocument();
    rerender(<LoginForm onSignIn={vi.fn()} showDemoLogins />);
    const button = screen.getByRole('button', { name: 'Fill in the support support@example.com / password123' });
    // the accessible name contains what the button shows (axe: label-content-name-mismatch)
    expect(button).not.toHaveAttribute('aria-label');
    await userEvent.click(button);
    expect(screen.getByLabelText('Email')).toHaveValue('support@example.com');
    expect(screen.getByLabelText('Password')).toHaveValue('password123');
  });
});

describe('UserMenu', () => {
  it('shows the user and role and signs out', async () => {
    const onSignOut = vi.fn().mockResolvedValue(undefined);
    render(
      <UserMenu user={{ id: '1', email: 'admin@example.com', displayName: 'Ada Admin', role: 'admin' }} onSignOut={onSignOut} />,
    );
    expect(screen.getByText('Ada Admin')).toBeInTheDocument();
    expect(screen.getByLabelText('Role: admin')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(onSignOut).toHaveBeenCalledOnce();
  });
});
