import type { ActivityItem } from '@/live/types';
import { toSentence } from './to-sentence';

export type AlertPermission = 'unsupported' | 'default' | 'granted' | 'denied';

export function notificationPermission(): AlertPermission {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.permission;
}

/** Asks for desktop notifications. Only ever called from a click. */
export async function requestNotificationPermission(): Promise<AlertPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/** The new tickets among `items` (created after `afterId`), oldest first. */
export function newTicketsSince(items: readonly ActivityItem[], afterId: number): ActivityItem[] {
  return items.filter((i) => i.kind === 'ticket_created' && i.id > afterId).sort((a, b) => a.id - b.id);
}

let audio: AudioContext | null = null;

/** A short, quiet two-tone chime made with Web Audio (no sound file to ship). */
export function playChime(): void {
  const Ctx = globalThis.AudioContext;
  if (!Ctx) return;
  audio ??= new Ctx();
  const ctx = audio;
  const start = ctx.currentTime;
  [880, 1320].forEach((freq, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start + i * 0.15);
    gain.gain.exponentialRampToValueAtTime(0.15, start + i * 0.15 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.15 + 0.14);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + i * 0.15);
    osc.stop(start + i * 0.15 + 0.15);
  });
}

export function showTicketNotification(item: ActivityItem): void {
  if (notificationPermission() !== 'granted') return;
  const title = typeof item.summary.ticket_number === 'number' ? `New ticket #${item.summary.ticket_number}` : 'New ticket';
  new Notification(title, { body: toSentence(item), tag: `activity-${item.id}` });
}
