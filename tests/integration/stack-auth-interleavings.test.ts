import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local-supabase/stack.ts';
import { client, serviceClient, startTestStack } from './stack-setup.ts';
import { mulberry32 as rng } from '../support/rng.ts';

// Invariant of auth.users under concurrent sign-ups, admin creations and deletions (seeded):
// one user per address at most, each with exactly one e-mail identity; among simultaneous
// creations of a free address exactly one wins and the others are told it is taken; the users
// that exist afterwards are exactly the ones the answers say were made and not deleted.
let stack: Stack;
beforeAll(async () => {
  // the rate limits are not what is under test here
  stack = await startTestStack({ authRateLimit: { burst: 100_000 } });
});
afterAll(async () => {
  await stack?.close();
});

const TAKEN = new Set(['user_already_exists', 'email_exists']);

describe('auth.users under interleaved sign-ups, creations and deletions', () => {
  it.each([11, 29])('keeps its invariant (seed %i)', async (seed) => {
    const next = rng(seed);
    const pool = Array.from({ length: 5 }, (_, i) => `race-${seed}-${i}@test.example`);
    const existing = new Map<string, string>(); // email -> id, as the answers tell it
    const admin = serviceClient(stack).auth.admin;

    for (let batch = 0; batch < 12; batch++) {
      const ops: Promise<void>[] = [];
      const outcomes = new Map<string, { wins: string[]; taken: number; other: string[] }>();
      for (const email of pool) {
        const roll = next();
        if (roll < 0.25 && existing.has(email)) {
          const id = existing.get(email)!;
          ops.push(
            admin.deleteUser(id).then(({ error }) => {
              expect(error, `delete ${email}`).toBeNull();
              existing.delete(email);
            }),
          );
        } else if (roll < 0.8) {
          const tally = { wins: [] as string[], taken: 0, other: [] as string[] };
          outcomes.set(email, tally);
          const copies = 1 + Math.floor(next() * 3);
          for (let k = 0; k < copies; k++) {
            const viaAdmin = next() < 0.5;
            const op = viaAdmin
              ? admin.createUser({ email, password: 'Race-pw-1', email_confirm: true }).then(({ data, error }) => ({ id: data.user?.id, code: error?.code }))
              : client(stack)
                  .auth.signUp({ email, password: 'Race-pw-1' })
                  .then(({ data, error }) => ({ id: data.user?.id, code: error?.code }));
            ops.push(
              op.then(({ id, code }) => {
                if (id && !code) tally.wins.push(id);
                else if (code && TAKEN.has(code)) tally.taken++;
                else tally.other.push(String(code));
              }),
            );
          }
        }
      }
      await Promise.all(ops);

      for (const [email, tally] of outcomes) {
        expect(tally.other, `${email}: unexpected answers`).toEqual([]);
        if (existing.has(email)) expect(tally.wins, `${email} existed`).toEqual([]);
        else {
          expect(tally.wins, `${email} was free`).toHaveLength(1);
          existing.set(email, tally.wins[0]!);
        }
      }
      const { rows } = await stack.db.query<{ email: string; id: string; identities: number }>(
        `select u.email, u.id::text, (select count(*)::int from auth.identities i where i.user_id = u.id and i.provider = 'email') as identities
           from auth.users u where u.email = any($1::text[]) order by u.email`,
        [pool],
      );
      expect(new Map(rows.map((r) => [r.email, r.id])), `batch ${batch}`).toEqual(existing);
      expect(rows.every((r) => r.identities === 1)).toBe(true);
    }
  });
});
