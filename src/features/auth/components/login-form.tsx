import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/text-field';
import { DEMO_LOGINS } from '../utils/is-local-supabase';

export interface LoginFormProps {
  onSignIn: (email: string, password: string) => Promise<{ error: string | null }>;
  /** A message from the session, e.g. that it expired. */
  message?: string | null;
  showDemoLogins?: boolean;
}

export function LoginForm({ onSignIn, message, showDemoLogins = false }: LoginFormProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const result = await onSignIn(email.trim(), password);
      if (result.error) setError(result.error);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Sign-in failed. Try again.');
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="login-form" onSubmit={submit} aria-label="Sign in">
      {message && !error && (
        <p className="alert" role="status">
          {message}
        </p>
      )}
      {error && (
        <p className="alert alert--error" role="alert">
          {error}
        </p>
      )}
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
      {showDemoLogins && (
        <section className="demo-logins" aria-labelledby="demo-logins-title">
          <h2 id="demo-logins-title">Demo logins (local stack)</h2>
          <ul>
            {DEMO_LOGINS.map((d) => (
              <li key={d.email}>
                <Button
                  size="small"
                  variant="ghost"
                  onClick={() => {
                    setEmail(d.email);
                    setPassword(d.password);
                  }}
                >
                  {/* no aria-label: the name must contain the visible text (WCAG 2.5.3, label in name) */}
                  <span className="visually-hidden">Fill in the</span>{' '}
                  <span className="badge">{d.role}</span> {d.email} / {d.password}
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </form>
  );
}
