import { readFileSync, realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import {
  LOGO_MAX_BYTES,
  LOGO_PROBLEM_TEXT,
  logoProblem,
  ORGANISATION_KINDS,
  type Organisation,
  type OrganisationKind,
  OrganisationNameField,
  parseOrganisationKind,
  parseZoneCode,
  TIME_ZONES,
  ZONE_IANA,
  type ZoneCode,
} from '../core';
import { type AppConfig, resolveConfig } from './config';
import type { DatabaseHandle } from './db/connect';
import { NewerDatabaseError } from './db/migrate';
import { OpsError } from './ops/errors';
import { upgradeDatabase } from './ops/upgrade';
import { Problem } from './problems';
import { openFromEnv } from './runtime';
import { createServices } from './services';

// `npm run admin -- <command>`: what a Pemda's IT staff needs before anyone can log in —
// the first coordinator account, a forgotten password, a look at who has access, and the
// organisation (name, kind, time zone, logo) the server works for. Works
// on the database the server uses (DATA_DIR / DATABASE_URL). Passwords come from a prompt
// without echo or from TELUSUR_ADMIN_PASSWORD (scripts) and are never printed, nor is any
// token or hash. Every refusal is one line, Indonesian then English, and a non-zero exit.

/** Shortest accepted password: the account opens the whole evaluation, so no short ones. */
export const MIN_ADMIN_PASSWORD = 12;
/** Longest password the login endpoint accepts; a longer one could never be used. */
export const MAX_ADMIN_PASSWORD = 1024;
export const ADMIN_PASSWORD_ENV = 'TELUSUR_ADMIN_PASSWORD';

const USAGE = [
  'Penggunaan / Usage:',
  '  npm run admin -- create-coordinator --email E --name N',
  '  npm run admin -- reset-password --email E',
  '  npm run admin -- list-accounts',
  `  npm run admin -- set-organisation --name N --kind ${ORGANISATION_KINDS.join('|')} --zone ${TIME_ZONES.join('|')} [--logo FILE.png|.jpg]`,
  '  npm run admin -- show-organisation',
  `Kata sandi dari prompt (tanpa gema) atau ${ADMIN_PASSWORD_ENV}; minimal ${MIN_ADMIN_PASSWORD} karakter.`,
  `Password from the prompt (no echo) or ${ADMIN_PASSWORD_ENV}; at least ${MIN_ADMIN_PASSWORD} characters.`,
  `Logo: PNG atau JPEG, maks. ${LOGO_MAX_BYTES / 1024} KB / PNG or JPEG, at most ${LOGO_MAX_BYTES / 1024} KB.`,
].join('\n');

export interface AdminIo {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  /** Read one secret line without echo; null when there is no terminal to ask on. */
  readSecret(prompt: string): Promise<string | null>;
  /** The database to work on; default: the one the environment names, as for the server. */
  open?: () => DatabaseHandle;
  /** Overrides for tests (e.g. a cheap scrypt cost). */
  config?: Partial<AppConfig>;
}

/** A refusal: one line in Indonesian and English, exit code 1. */
class AdminError extends Error {
  constructor(id: string, en: string) {
    super(`${id} / ${en}`);
  }
}

const EmailSchema = z.email().check(z.maxLength(254));

function requireEmail(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '')
    throw new AdminError('--email wajib diisi', '--email is required');
  const email = raw.trim().toLowerCase();
  if (!EmailSchema.safeParse(email).success)
    throw new AdminError(`alamat e-mail tidak valid: ${raw}`, `not a valid e-mail address: ${raw}`);
  return email;
}

function requireName(raw: string | undefined): string {
  const name = raw?.trim() ?? '';
  if (name === '') throw new AdminError('--name wajib diisi', '--name is required');
  if (name.length > 200)
    throw new AdminError('--name terlalu panjang (maks. 200)', '--name is too long (max. 200)');
  return name;
}

function checkPassword(pw: string): string {
  if (pw.length < MIN_ADMIN_PASSWORD)
    throw new AdminError(
      `kata sandi terlalu pendek (minimal ${MIN_ADMIN_PASSWORD} karakter)`,
      `password too short (at least ${MIN_ADMIN_PASSWORD} characters)`,
    );
  if (pw.length > MAX_ADMIN_PASSWORD)
    throw new AdminError(
      `kata sandi terlalu panjang (maks. ${MAX_ADMIN_PASSWORD} karakter)`,
      `password too long (max. ${MAX_ADMIN_PASSWORD} characters)`,
    );
  return pw;
}

/** The new password: the environment variable for scripts, else asked twice on the terminal. */
async function newPassword(io: AdminIo): Promise<string> {
  const fromEnv = io.env[ADMIN_PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return checkPassword(fromEnv);
  const first = await io.readSecret('Kata sandi baru / New password: ');
  if (first === null)
    throw new AdminError(
      `tidak ada terminal untuk menanyakan kata sandi; setel ${ADMIN_PASSWORD_ENV}`,
      `no terminal to ask for the password; set ${ADMIN_PASSWORD_ENV}`,
    );
  checkPassword(first);
  const again = await io.readSecret('Ulangi kata sandi / Repeat password: ');
  if (again !== first)
    throw new AdminError('kedua kata sandi tidak sama', 'the two passwords differ');
  return first;
}

/** The organisation as set-organisation takes it, checked before the database is opened. */
interface OrganisationArgs {
  name: string;
  kind: OrganisationKind;
  zone: ZoneCode;
  logo?: Uint8Array;
}

function requireOrganisationName(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '')
    throw new AdminError('--name wajib diisi', '--name is required');
  const r = OrganisationNameField.safeParse(raw);
  if (!r.success)
    throw new AdminError(
      '--name harus satu baris teks biasa, maks. 200 karakter',
      '--name must be one line of plain text, at most 200 characters',
    );
  return r.data;
}

/** The logo file's bytes, refused (usage error) when missing, too large or not PNG/JPEG. */
function readLogo(path: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    // Size first, so a wrong path to a huge file is not read whole.
    if (statSync(path).size > LOGO_MAX_BYTES) {
      const [id, en] = LOGO_PROBLEM_TEXT.too_large;
      throw new AdminError(`${id}: ${path}`, `${en}: ${path}`);
    }
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    if (e instanceof AdminError) throw e;
    throw new AdminError(
      `berkas logo tidak dapat dibaca: ${path}`,
      `cannot read the logo file: ${path}`,
    );
  }
  const problem = logoProblem(bytes);
  if (problem) {
    const [id, en] = LOGO_PROBLEM_TEXT[problem];
    throw new AdminError(`${id}: ${path}`, `${en}: ${path}`);
  }
  return bytes;
}

function organisationArgs(args: ReturnType<typeof parse>): OrganisationArgs {
  const name = requireOrganisationName(args.name);
  if (args.kind === undefined || args.kind.trim() === '')
    throw new AdminError('--kind wajib diisi', '--kind is required');
  const kind = parseOrganisationKind(args.kind);
  if (!kind)
    throw new AdminError(
      `jenis organisasi tidak dikenal: ${args.kind} (pilih ${ORGANISATION_KINDS.join(', ')})`,
      `unknown organisation kind: ${args.kind} (choose ${ORGANISATION_KINDS.join(', ')})`,
    );
  if (args.zone === undefined || args.zone.trim() === '')
    throw new AdminError('--zone wajib diisi', '--zone is required');
  const zone = parseZoneCode(args.zone);
  if (!zone)
    throw new AdminError(
      `zona waktu tidak dikenal: ${args.zone} (pilih ${TIME_ZONES.join(', ')})`,
      `unknown time zone: ${args.zone} (choose ${TIME_ZONES.join(', ')})`,
    );
  return { name, kind, zone, ...(args.logo === undefined ? {} : { logo: readLogo(args.logo) }) };
}

/** The organisation as `show-organisation` prints it: `field<TAB>value` lines. */
function organisationLines(o: Organisation): string[] {
  if (!o.configured)
    return [
      '(organisasi belum disetel; waktu dicetak dalam WIB / organisation not set yet; times are printed in WIB)',
    ];
  return [
    `name\t${o.name}`,
    `kind\t${o.kind}`,
    `zone\t${o.zone} (${ZONE_IANA[o.zone]})`,
    `logo\t${o.logo ? `${o.logo.mime}, ${o.logo.bytes} bytes` : '-'}`,
  ];
}

const COMMANDS = [
  'create-coordinator',
  'reset-password',
  'list-accounts',
  'set-organisation',
  'show-organisation',
] as const;
type Command = (typeof COMMANDS)[number];

/** The options each command takes. */
const OPTIONS: Record<Command, readonly string[]> = {
  'create-coordinator': ['email', 'name'],
  'reset-password': ['email'],
  'list-accounts': [],
  'set-organisation': ['name', 'kind', 'zone', 'logo'],
  'show-organisation': [],
};

function parse(argv: readonly string[]): {
  command: Command;
  email?: string;
  name?: string;
  kind?: string;
  zone?: string;
  logo?: string;
} {
  const [command, ...rest] = argv;
  if (command === undefined || command === '')
    throw new AdminError('perintah tidak diberikan', 'no command given');
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new AdminError(`perintah tidak dikenal: ${command}`, `unknown command: ${command}`);
  const allowed = OPTIONS[command as Command];
  let values: Partial<Record<'email' | 'name' | 'kind' | 'zone' | 'logo', string | undefined>>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        kind: { type: 'string' },
        zone: { type: 'string' },
        logo: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new AdminError(
      `argumen tidak valid untuk ${command}`,
      `invalid arguments for ${command}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key))
      throw new AdminError(
        `opsi --${key} tidak berlaku untuk ${command}`,
        `option --${key} does not apply to ${command}`,
      );
  }
  return { command: command as Command, ...values };
}

/**
 * Run one admin command. Returns the exit code (0 ok, 1 refused or failed, 2 usage shown).
 *
 * @example
 *   process.exitCode = await main(process.argv.slice(2), nodeIo());
 */
export async function main(argv: readonly string[], io: AdminIo): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(USAGE);
    return 0;
  }
  let args: ReturnType<typeof parse>;
  let email = '';
  let name = '';
  let organisation: OrganisationArgs | null = null;
  try {
    args = parse(argv);
    if (args.command === 'create-coordinator' || args.command === 'reset-password')
      email = requireEmail(args.email);
    if (args.command === 'create-coordinator') name = requireName(args.name);
    if (args.command === 'set-organisation') organisation = organisationArgs(args);
  } catch (e) {
    if (!(e instanceof AdminError)) throw e;
    // One line only, so a script's log shows the reason; `--help` has the usage.
    io.err(`[admin] ${e.message} (npm run admin -- --help)`);
    return 2;
  }

  let handle: DatabaseHandle | null = null;
  try {
    handle = (io.open ?? (() => openFromEnv(io.env)))();
    // As at server start: a newer version's database is refused, an SQLite one backed up first.
    await upgradeDatabase(handle, { log: (line) => io.out(`[admin] ${line}`) });
    const services = createServices({
      db: handle.db,
      clock: Date.now,
      config: resolveConfig(io.config),
    });
    const accounts = services.accounts;

    if (args.command === 'show-organisation') {
      for (const line of organisationLines(await services.organisation.get())) io.out(line);
      return 0;
    }

    if (organisation) {
      const { logo, ...fields } = organisation;
      // Checked already; the service checks the logo again and writes everything at once.
      const o = await services.organisation.set(fields, null, logo);
      io.out(
        `[admin] organisasi disetel / organisation set: ${o.name} (${o.kind}, ${o.zone}${o.logo ? ', logo' : ''})`,
      );
      return 0;
    }

    if (args.command === 'list-accounts') {
      const all = await accounts.listAll();
      if (all.length === 0) {
        io.out('(belum ada akun / no accounts yet)');
        return 0;
      }
      io.out(['email', 'name', 'role', 'active'].join('\t'));
      for (const a of all) io.out([a.email, a.name, a.role, a.active ? 'yes' : 'no'].join('\t'));
      return 0;
    }

    if (args.command === 'create-coordinator') {
      const taken = new AdminError(
        `e-mail sudah dipakai akun lain: ${email}`,
        `e-mail already used by another account: ${email}`,
      );
      // Checked before asking for a password, so nobody types one in vain.
      if (await accounts.emailTaken(email)) throw taken;
      const password = await newPassword(io);
      try {
        await accounts.create({ email, name, role: 'coordinator', password });
      } catch (e) {
        if (e instanceof Problem && e.code === 'email_taken') throw taken;
        throw e;
      }
      // Which database: a command run without the server's settings writes elsewhere.
      io.out(
        `[admin] koordinator dibuat / coordinator created: ${email} (basis data / database: ${handle.where})`,
      );
      return 0;
    }

    if (!(await accounts.emailTaken(email)))
      throw new AdminError(
        `tidak ada akun dengan e-mail ${email}`,
        `no account with e-mail ${email}`,
      );
    const password = await newPassword(io);
    if (!(await accounts.resetPassword(email, password)))
      throw new AdminError(
        `tidak ada akun dengan e-mail ${email}`,
        `no account with e-mail ${email}`,
      );
    io.out(
      `[admin] kata sandi diganti, sesi akun diakhiri / password reset, the account's sessions ended: ${email} (basis data / database: ${handle.where})`,
    );
    return 0;
  } catch (e) {
    if (e instanceof AdminError || e instanceof NewerDatabaseError || e instanceof OpsError) {
      io.err(`[admin] ${e.message}`);
      return 1;
    }
    // Never echo the error object: a driver error could carry the connection string.
    const what = e instanceof Error ? e.message.split('\n')[0] : String(e);
    io.err(`[admin] gagal / failed: ${redact(what ?? '')}`);
    return 1;
  } finally {
    await handle?.close();
  }
}

/** Strip credentials of a URL (postgres://user:pass@host) from an error line. */
function redact(line: string): string {
  return line.replace(/(\w+:\/\/[^:/\s@]*:)[^@\s]*@/g, '$1***@');
}

/**
 * Read a line from the terminal without echoing it; null when stdin is not a terminal.
 * Ctrl-C aborts the command.
 */
function readSecretFromTty(prompt: string): Promise<string | null> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.resolve(null);
  return new Promise((resolvePromise, reject) => {
    process.stderr.write(prompt);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (result: string | null, error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolvePromise(result);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(value);
        if (ch === '\u0003') return done(null, new AdminError('dibatalkan', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The real process: stdout/stderr, the environment and the terminal. */
export function nodeIo(): AdminIo {
  return {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readSecret: readSecretFromTty,
  };
}

const invokedDirectly = (() => {
  try {
    return (
      process.argv[1] !== undefined &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
})();
if (invokedDirectly) process.exitCode = await main(process.argv.slice(2), nodeIo());
