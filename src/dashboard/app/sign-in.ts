import { errorText, isUnauthorized, signIn, type Api } from './api.js';
import { h } from './dom.js';

/**
 * The sign-in form: an API key (the service's SERVICE_API_KEY or a key with a role), checked
 * against the service before it is kept. A refused key is reported and not kept.
 */
export function signInView(onSignedIn: (api: Api, key: string) => void, reason?: string): HTMLElement {
  const key = h('input', { type: 'password', id: 'api-key', name: 'apiKey', required: true, autocomplete: 'current-password', spellcheck: 'false' });
  const problem = h('p', { class: 'form-error', role: 'alert' }, reason ?? '');
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Flowflare'),
    h('p', null, 'Live view of your workflow runs. Sign in with an API key (SERVICE_API_KEY or a key made for you); it is kept for this browser tab only, and the page shows what its role allows.'),
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
    try {
      onSignedIn(await signIn(value), value);
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
