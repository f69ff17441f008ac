import { openDialog } from './dialogs.js';
import { h } from './dom.js';

/** The durations a rule can be muted for, in milliseconds. */
const DURATIONS: [label: string, ms: number][] = [
  ['1 hour', 3_600_000],
  ['4 hours', 4 * 3_600_000],
  ['1 day', 86_400_000],
  ['1 week', 7 * 86_400_000],
];

/** Asks how long to mute a rule for; resolves with the time the mute ends, or null when cancelled. */
export async function askForMute(ruleName: string): Promise<Date | null> {
  const select = h('select', { name: 'duration', id: 'mute-duration' }, DURATIONS.map(([label, ms]) => h('option', { value: ms }, label)));
  const data = await openDialog(
    `Mute “${ruleName}”?`,
    [h('p', null, 'While muted, the rule sends no alerts.'), h('label', { for: 'mute-duration' }, 'Mute for'), select],
    'Mute',
    false,
  );
  return data ? new Date(Date.now() + Number(data.get('duration'))) : null;
}
