import type { RunView } from '../browser/run-view.js';
import { badgeStyle, styles } from './styles.js';

/** A run's steps with their attempts, errors and scheduled retries, then its input and output. */
export function RunSteps({ run }: { run: RunView }) {
  return (
    <div style={styles.detail} data-run-detail={run.id}>
      {run.steps.length === 0 ? <p style={styles.muted}>No steps recorded yet.</p> : null}
      <ol>
        {run.steps.map((step) => (
          <li key={`${step.step_name}/${step.step_count}`} data-step={step.step_name}>
            <strong>{step.step_name}</strong> <span style={badgeStyle(step.status)}>{step.status}</span>{' '}
            <span style={styles.muted}>
              {step.step_type}
              {step.duration_ms !== null ? ` · ${step.duration_ms} ms` : ''}
              {step.sleep_until && (step.status === 'Sleeping' || step.status === 'Waiting') ? ` · until ${new Date(step.sleep_until).toLocaleTimeString()}` : ''}
            </span>
            {step.attempt_history.length > 0 ? (
              <ul>
                {step.attempt_history.map((a) => (
                  <li key={a.attempt}>
                    Attempt {a.attempt}: {a.status}
                    {a.error ? <span style={styles.error}> — {a.error.message}</span> : null}
                    {a.next_retry_at ? <span style={styles.muted}> — retry at {new Date(a.next_retry_at).toLocaleTimeString()}</span> : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
      {run.error ? <p style={styles.error}>{`${run.error.name}: ${run.error.message}`}</p> : null}
      {/* live updates carry no input: a run that started after the page connected has none here */}
      {run.input_params !== null ? (
        <>
          <p style={styles.muted}>Input</p>
          <pre style={styles.pre}>{JSON.stringify(run.input_params, null, 2)}</pre>
        </>
      ) : null}
      {run.output_result !== null ? (
        <>
          <p style={styles.muted}>Output</p>
          <pre style={styles.pre}>{JSON.stringify(run.output_result, null, 2)}</pre>
        </>
      ) : null}
    </div>
  );
}
