import { confirm, input, select } from '@inquirer/prompts';
import { Cancelled } from './failure.js';

/** Setup was cancelled at a prompt: nothing was changed. */
export class SetupCancelled extends Cancelled {
  override readonly name: string = 'SetupCancelled';
  constructor() {
    super('Setup cancelled; nothing was changed.');
  }
}

/** One option of a {@link Prompter.select} question. */
export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

/** The questions setup asks. Each throws {@link SetupCancelled} when the user cancels. */
export interface Prompter {
  select<T>(message: string, choices: readonly Choice<T>[], defaultValue?: T): Promise<T>;
  input(message: string, defaultValue: string, validate?: (value: string) => string | true): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

/**
 * Prompts on a terminal through `@inquirer/prompts`.
 * @param output where questions are drawn (stderr when stdout carries `--json`)
 */
export function inquirerPrompter(stdin: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompter {
  const context = { input: stdin, output };
  return {
    select: (message, choices, defaultValue) =>
      cancellable(select({ message, choices: choices.map((c) => ({ ...c })), default: defaultValue }, context)),
    input: (message, defaultValue, validate) =>
      cancellable(input({ message, default: defaultValue, validate: validate ?? (() => true) }, context)),
    confirm: (message, defaultValue) => cancellable(confirm({ message, default: defaultValue }, context)),
  };
}

/** A prompter for runs that must not ask anything (`--yes`, or no terminal): every question is a bug. */
export function noPrompter(reason: string): Prompter {
  const refuse = (message: string): never => {
    throw new Error(`setup tried to ask "${message}" although ${reason}`);
  };
  return { select: refuse, input: refuse, confirm: refuse };
}

async function cancellable<T>(prompt: Promise<T>): Promise<T> {
  try {
    return await prompt;
  } catch (error) {
    // Ctrl+C (ExitPromptError) or an aborted prompt: the user's choice, not a failure.
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
      throw new SetupCancelled();
    }
    throw error;
  }
}
