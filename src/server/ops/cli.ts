import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OpsError } from './errors';

/** What an operations command talks to: the environment and two line-oriented outputs. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
}

/** Wrong arguments: one line, exit code 2. */
export class UsageError extends OpsError {}

/** The real process: its environment, stdout and stderr. */
export function nodeIo(): CliIo {
  return {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}

/**
 * Parse `argv` strictly: only the declared options, at most `positionals` bare arguments.
 * @throws UsageError naming the problem.
 */
export function parseStrict(
  argv: readonly string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
  positionals: number,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0] ?? '';
    throw new UsageError('argumen tidak valid', `invalid arguments: ${reason}`);
  }
  if (parsed.positionals.length > positionals)
    throw new UsageError(
      `argumen berlebih: ${parsed.positionals.slice(positionals).join(' ')}`,
      `unexpected argument: ${parsed.positionals.slice(positionals).join(' ')}`,
    );
  for (const [key, value] of Object.entries(parsed.values))
    if (typeof value === 'string' && value.trim() === '')
      throw new UsageError(`--${key} tidak boleh kosong`, `--${key} must not be empty`);
  return parsed;
}

/** Was this module started as the program (`node --import tsx <file>`), not imported? */
export function invokedDirectly(moduleUrl: string): boolean {
  try {
    return (
      process.argv[1] !== undefined &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl))
    );
  } catch {
    return false;
  }
}
