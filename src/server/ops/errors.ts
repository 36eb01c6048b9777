/**
 * A refusal or failure of an operations command (backup, restore, upgrade): one line,
 * Indonesian then English, meant to be printed as is. Never carries a password or token.
 */
export class OpsError extends Error {
  constructor(
    readonly id: string,
    readonly en: string,
  ) {
    super(`${id} / ${en}`);
    this.name = 'OpsError';
  }
}

/** Strip credentials of a URL (postgres://user:pass@host) and PGPASSWORD-like values from a line. */
export function redact(line: string): string {
  return line
    .replace(/(\w+:\/\/[^:/\s@]*:)[^@\s]*@/g, '$1***@')
    .replace(/(password\s*=\s*)\S+/gi, '$1***');
}

/** The first line of an error's message, credentials removed: safe for a one-line report. */
export function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return redact(message.split('\n').find((l) => l.trim() !== '') ?? message).trim();
}
