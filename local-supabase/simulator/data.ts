const FIRST = ['Ava', 'Noah', 'Mia', 'Liam', 'Zoe', 'Ethan', 'Lena', 'Omar', 'Priya', 'Lucas', 'Sofia', 'Kenji', 'Amara', 'Jonas', 'Elif', 'Mateo', 'Hana', 'Felix', 'Nora', 'Diego'];
const LAST = ['Smith', 'Garcia', 'Chen', 'Müller', 'Okafor', 'Rossi', 'Nguyen', 'Kowalski', 'Silva', 'Haddad', 'Jensen', 'Tanaka', 'Dubois', 'Patel', 'Novak', 'Costa'];

/** Where a repair goes next (the shop's usual flow, with the odd cancellation). */
export const TICKET_NEXT: Record<string, string[]> = {
  open: ['in_progress', 'in_progress', 'in_progress', 'cancelled'],
  in_progress: ['ready', 'ready', 'waiting_parts'],
  waiting_parts: ['in_progress', 'in_progress', 'cancelled'],
  ready: ['closed'],
};

export function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function randomCustomer(random: () => number): { name: string; email: string; phone: string } {
  const first = pick(FIRST, random);
  const last = pick(LAST, random);
  // Time in the tag keeps emails unique across runs on a database that outlives them.
  const tag = `${(Date.now() % 36 ** 4).toString(36).padStart(4, '0')}${Math.floor(random() * 36 ** 2).toString(36).padStart(2, '0')}`;
  const ascii = `${first}.${last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
  const phone = `+1 555-${String(Math.floor(random() * 10_000)).padStart(4, '0')}`;
  return { name: `${first} ${last}`, email: `${ascii}.${tag}@example.net`, phone };
}

export const DEVICE_ISSUES: [string, string][] = [
  ['iPhone 13', 'Cracked screen after a drop'],
  ['iPhone 14 Pro', 'Battery drains within a few hours'],
  ['Samsung Galaxy S22', 'Does not charge, port looks corroded'],
  ['Pixel 7', 'Camera shows black image'],
  ['MacBook Air M1', 'Keyboard keys sticking after spill'],
  ['ThinkPad T14', 'Fan noise and overheating'],
  ['iPad 9th gen', 'Touch not responding in the lower half'],
  ['Nintendo Switch', 'Joy-Con drift on the left stick'],
  ['Dell XPS 13', 'No display, power LED on'],
  ['Apple Watch Series 7', 'Cracked back glass'],
];
