// The fingerprint of the sources the server build is compiled from, shared by the build
// (vite.config.ts writes it into build-info.json) and the launcher (launch.mjs compares it in
// production). Plain JavaScript so the launcher needs no TypeScript loader.
//
// Why: after `git pull` an operator who restarts without `npm run build` would run the old
// compiled server against new sources — same package version, so the version check alone
// cannot tell. The fingerprint can.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Folders, relative to the repository, whose files the server build compiles. */
export const SERVER_SOURCE_DIRS = ['src/server', 'src/core'];

/**
 * SHA-256 (hex) over every file under SERVER_SOURCE_DIRS: each file's repository-relative
 * path (with `/`) and bytes, in path order. Same sources → same hash on any machine.
 *
 * @param {string} root the repository root
 * @returns {string} 64 hex digits
 * @throws when a folder cannot be read
 */
export function serverSourceHash(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  for (const dir of SERVER_SOURCE_DIRS) walk(join(root, dir));
  const named = files
    .map((f) => [relative(root, f).split(sep).join('/'), f])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256');
  for (const [name, path] of named) {
    hash.update(`${name}\0`);
    hash.update(readFileSync(path));
    hash.update('\0');
  }
  return hash.digest('hex');
}
