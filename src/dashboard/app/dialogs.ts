import { h } from './dom.js';

/** Opens a modal `<dialog>` with a form; resolves with the form's data, or null when cancelled. */
export function openDialog(title: string, body: HTMLElement[], confirmLabel: string, danger: boolean, check?: (form: HTMLFormElement) => string | null): Promise<FormData | null> {
  return new Promise((resolve) => {
    const problem = h('p', { class: 'form-error', role: 'alert' });
    const cancel = h('button', { type: 'button', class: 'button', 'data-dialog': 'cancel' }, 'Cancel');
    const confirm = h('button', { type: 'submit', class: danger ? 'button button-danger' : 'button button-primary', 'data-dialog': 'confirm' }, confirmLabel);
    const form = h('form', { method: 'dialog', class: 'dialog-form' }, h('h2', null, title), ...body, problem, h('div', { class: 'dialog-buttons' }, cancel, confirm));
    const dialog = h('dialog', { class: 'dialog', 'aria-label': title }, form);
    let result: FormData | null = null;
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', (event) => {
      const message = check?.(form) ?? null;
      if (message) {
        event.preventDefault();
        problem.textContent = message;
        return;
      }
      result = new FormData(form);
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}

/** Asks the user to confirm an action. */
export async function confirmAction(title: string, message: string, confirmLabel: string, danger = false): Promise<boolean> {
  return (await openDialog(title, [h('p', null, message)], confirmLabel, danger)) !== null;
}

/** Asks for an event to send to a run: its type and a JSON payload. */
export async function askForEvent(defaultType: string): Promise<{ type: string; payload: unknown } | null> {
  const type = h('input', { name: 'type', id: 'event-type', required: true, value: defaultType, autocomplete: 'off' });
  const payload = h('textarea', { name: 'payload', id: 'event-payload', rows: 5, spellcheck: 'false' }, '{ "approved": true }');
  const data = await openDialog(
    'Send an event',
    [
      h('p', null, 'Delivered to the run’s step.waitForEvent with this type.'),
      h('label', { for: 'event-type' }, 'Event type'),
      type,
      h('label', { for: 'event-payload' }, 'Payload (JSON)'),
      payload,
    ],
    'Send event',
    false,
    (form) => {
      const text = String(new FormData(form).get('payload') ?? '').trim();
      if (!String(new FormData(form).get('type') ?? '').trim()) return 'The event type is required.';
      try {
        if (text) JSON.parse(text);
        return null;
      } catch {
        return 'The payload is not valid JSON.';
      }
    },
  );
  if (!data) return null;
  const text = String(data.get('payload') ?? '').trim();
  return { type: String(data.get('type')).trim(), payload: text ? (JSON.parse(text) as unknown) : null };
}
