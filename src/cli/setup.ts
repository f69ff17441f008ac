import { relative } from 'node:path';
import { UserError } from '../shared/errors.js';
import { planClient } from './client-setup.js';
import { unifiedDiff } from './diff.js';
import { applyFileChanges, type AppliedChanges, type FileChange } from './file-changes.js';
import { SetupCancelled } from './prompts.js';
import { planService } from './service-setup.js';
import type { ConfigTarget, RolePlan, SetupSession, SetupSummary } from './session.js';
import { resolveTarget } from './target.js';
import { displayCommand } from './wrangler.js';

/**
 * One run of setup: find the config, ask or take the answers, show the plan (the config diff and the
 * wrangler commands), and, unless `--dry-run`, apply it once confirmed. Files are written only after
 * every question is answered; if a wrangler command fails afterwards, they are put back as they were.
 * @throws UserError for what the user can fix; SetupCancelled when they cancel
 */
export async function runSetup(session: SetupSession): Promise<SetupSummary> {
  const { options, reporter, prompter } = session;
  const target = await resolveTarget(session);
  const show = (path: string) => relative(session.io.cwd, path) || path;
  // once the questions are answered, before the work starts
  const announce = () => {
    reporter.line();
    reporter.heading(
      `${options.dryRun ? 'Dry run: setting' : 'Setting'} up ${show(target.doc.path)}${target.created ? ' (new)' : ''} as ` +
        (target.role === 'service' ? 'the workflow service' : 'a client of the workflow service'),
    );
  };
  const plan =
    target.role === 'service' ? await planService(session, target, announce) : await planClient(session, target, announce);
  presentPlan(session, plan, show);

  const summary: SetupSummary = {
    ok: true,
    role: target.role,
    dryRun: options.dryRun,
    config: target.doc.path,
    configCreated: target.created,
    changed: plan.files.length > 0,
    files: plan.files.map((file) => ({ path: file.path, action: file.before === undefined ? 'create' : 'update' })),
    configDiff: configDiff(plan.files, target.doc.path, show),
    backups: [],
    commands: plan.commands.map(displayCommand),
    notes: plan.notes,
    next: plan.next,
    ...plan.details,
  };
  if (options.dryRun) {
    reporter.line();
    reporter.line('Dry run: nothing was changed.');
    return summary;
  }
  const createsSomething = plan.commands.some((args) => args[1] === 'create' || args[0] === 'secret');
  if (session.interactive && (plan.files.length > 0 || createsSomething)) {
    if (!(await prompter.confirm('Apply these changes?', true))) throw new SetupCancelled();
  }

  const outcome = await apply(session, target, plan, show);
  reporter.line();
  if (outcome.files.length === 0) {
    reporter.success(`Nothing to change: ${show(target.doc.path)} is already set up.`);
  }
  for (const file of outcome.files) {
    const backup = outcome.applied.backups.find((path) => path.startsWith(`${file.path}.bak`));
    reporter.success(
      `${file.before === undefined ? 'Created' : 'Updated'} ${show(file.path)}${backup ? ` (previous version: ${show(backup)})` : ''}`,
    );
  }
  reporter.line();
  reporter.heading('Next:');
  for (const step of plan.next) reporter.line(`  • ${step}`);
  return {
    ...summary,
    ...outcome.details,
    changed: outcome.files.length > 0,
    files: outcome.files.map((file) => ({ path: file.path, action: file.before === undefined ? 'create' : 'update' })),
    configDiff: configDiff(outcome.files, target.doc.path, show),
    backups: outcome.applied.backups,
  };
}

function configDiff(files: readonly FileChange[], configPath: string, show: (path: string) => string): string {
  const change = files.find((file) => file.path === configPath);
  if (!change) return '';
  const name = show(configPath);
  return unifiedDiff(change.before === undefined ? '/dev/null' : name, name, change.before ?? '', change.after);
}

async function apply(
  session: SetupSession,
  target: ConfigTarget,
  plan: RolePlan,
  show: (path: string) => string,
): Promise<{ files: FileChange[]; applied: AppliedChanges; details: Partial<SetupSummary> }> {
  // Ctrl+C also reaches the wrangler child, which then fails; stay alive long enough to put files back.
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
  };
  process.on('SIGINT', onInterrupt);
  try {
    const files = plan.prepare ? await plan.prepare() : plan.files;
    const applied = await applyFileChanges(files);
    try {
      const details = await plan.execute();
      return { files, applied, details };
    } catch (error) {
      await applied.rollback();
      if (files.length > 0) {
        session.reporter.warn(`Put ${files.map((f) => show(f.path)).join(', ')} back as ${files.length > 1 ? 'they were' : 'it was'}.`);
      }
      if (interrupted) throw new UserError(`Interrupted; ${show(target.doc.path)} is as it was.`, { code: 'INTERRUPTED' });
      throw error;
    }
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

function presentPlan(session: SetupSession, plan: RolePlan, show: (path: string) => string): void {
  const { reporter } = session;
  const sections: (() => void)[] = [];
  if (plan.files.length === 0) sections.push(() => reporter.line('Files: nothing to change.'));
  for (const file of plan.files) {
    const name = show(file.path);
    sections.push(() =>
      file.summary === undefined
        ? reporter.diff(unifiedDiff(file.before === undefined ? '/dev/null' : name, name, file.before ?? '', file.after))
        : reporter.line(`${file.before === undefined ? 'New' : 'Changed'} ${name}: ${file.summary}`),
    );
  }
  if (plan.commands.length > 0) {
    sections.push(() => {
      reporter.line('Wrangler commands:');
      for (const args of plan.commands) reporter.line(`  ${displayCommand(args)}`);
    });
  }
  for (const note of plan.notes) sections.push(() => reporter.warn(note));
  for (const section of sections) {
    reporter.line();
    section();
  }
  reporter.line();
}
