import { createApi, errorText, isUnauthorized, type Api } from './api.js';
import { h } from './dom.js';

/**
 * The sign-in form: the service's API key, checked against the service before it is kept. A
 * refused key is reported and not kept.
 */
export function signInView(onSignedIn: (api: Api, key: string) => void, reason?: string): HTMLElement {
  const key = h('input', { type: 'password', id: 'api-key', name: 'apiKey', required: true, autocomplete: 'current-password', spellcheck: 'false' });
  const problem = h('p', { class: 'form-error', role: 'alert' }, reason ?? '');
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Flowflare'),
    h('p', null, 'Live view of your workflow runs. Sign in with the service’s API key (SERVICE_API_KEY); it is kept for this browser tab only.'),
    h('label', { for: 'api-key' }, 'API key'),
    key,
    problem,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = key.value.trim();
    if (!value) return;
    submit.disabled = true;
    problem.textContent = '';
    const api = createApi(value);
    try {
      await api.client.countRuns();
      onSignedIn(api, value);
    } catch (error) {
      problem.textContent = isUnauthorized(error) ? 'The service refused this key.' : `Could not reach the service: ${errorText(error)}`;
      key.select();
    } finally {
      submit.disabled = false;
    }
  });
  queueMicrotask(() => key.focus());
  return h('main', { class: 'sign-in-page' }, form);
}
