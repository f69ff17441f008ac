import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { BIN } from './project.js';

/** Keys as a terminal sends them. */
export const KEY = { enter: '\r', down: '\x1b[B', ctrlC: '\x03' } as const;

/**
 * Runs `flowflare-setup` on a pseudo-terminal made by util-linux `script`, so it sees a real TTY and
 * shows its real prompts; the test reads the screen output and types answers.
 */
export class TerminalSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private output = '';
  private cursor = 0;
  private readonly exited: Promise<number | null>;

  constructor(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, bin: string = BIN) {
    const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, bin, ...args].map(quote).join(' ');
    // -q: no banner, -f: flush at once, -e: exit with the child's code, -c: the command to run
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd,
      env: { ...env, TERM: 'xterm-256color', COLUMNS: '120', LINES: '50' },
    });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.exited = new Promise((resolve) => this.child.on('close', resolve));
  }

  /** Everything shown so far, escape sequences (colours) included. */
  get raw(): string {
    return this.output;
  }

  /** Everything shown so far, without escape sequences. */
  get screen(): string {
    return stripVTControlCharacters(this.output);
  }

  /** Waits until `text` appears after what was matched before. */
  async waitFor(text: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.screen.indexOf(text, this.cursor);
      if (at !== -1) {
        this.cursor = at + text.length;
        return;
      }
      if (Date.now() > deadline) throw new Error(`"${text}" did not appear; the screen shows:\n${this.screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Types keys (or text) into the terminal. */
  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** Waits for the CLI to exit and returns its exit code. */
  async exitCode(timeoutMs = 60_000): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      this.child.stdin.end();
    }
  }

  /** Ends the session if it is still running. */
  close(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
