/** The streams, environment and folder the CLI works with; `main` takes them so tests can pass their own. */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The process's own streams, environment and working directory. */
export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** A line of progress while a command runs: a spinner on a terminal, plain lines elsewhere. */
export interface Step {
  done(summary?: string): void;
  fail(): void;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Writes what a person reads. With `--json` that goes to stderr, keeping stdout for the summary.
 * Colours only on a terminal, and never with NO_COLOR.
 */
export class Reporter {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly color: boolean;
  private readonly spin: boolean;

  constructor(io: CliIo, options: { json: boolean; verbose: boolean }) {
    this.out = options.json ? io.stderr : io.stdout;
    const tty = this.out.isTTY === true;
    this.color = tty && !io.env.NO_COLOR;
    this.spin = tty && !options.verbose && !io.env.CI;
  }

  /** A plain line. */
  line(text = ''): void {
    this.out.write(`${text}\n`);
  }

  /** A section title. */
  heading(text: string): void {
    this.line(this.paint(text, '1'));
  }

  /** Something that went well. */
  success(text: string): void {
    this.line(`${this.paint('✔', '32')} ${text}`);
  }

  /** Something the user should read. */
  warn(text: string): void {
    this.line(`${this.paint('!', '33')} ${text}`);
  }

  /** Text of lesser importance, such as a command's own output. */
  detail(text: string): void {
    this.line(this.paint(`  │ ${text}`, '2'));
  }

  /** A unified diff, coloured by line. */
  diff(text: string): void {
    for (const line of text.split('\n')) {
      const code = line.startsWith('+') ? '32' : line.startsWith('-') ? '31' : line.startsWith('@@') ? '36' : '';
      this.line(code ? this.paint(line, code) : line);
    }
  }

  /** Starts a step that takes a while, such as a wrangler command. */
  step(label: string): Step {
    if (!this.spin) {
      this.line(`${this.paint('…', '36')} ${label}`);
      return {
        done: (summary) => this.success(summary ?? label),
        fail: () => this.line(`${this.paint('✘', '31')} ${label}`),
      };
    }
    let frame = 0;
    const draw = () => this.out.write(`\r\x1b[2K${this.paint(SPINNER[frame++ % SPINNER.length]!, '36')} ${label}`);
    draw();
    const timer = setInterval(draw, 80);
    const clear = () => {
      clearInterval(timer);
      this.out.write('\r\x1b[2K');
    };
    return {
      done: (summary) => {
        clear();
        this.success(summary ?? label);
      },
      fail: () => {
        clear();
        this.line(`${this.paint('✘', '31')} ${label}`);
      },
    };
  }

  /** `text` in the SGR colour `code` (such as `'32'` for green) when colours are on, else as it is. */
  paint(text: string, code: string): string {
    return this.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
}
