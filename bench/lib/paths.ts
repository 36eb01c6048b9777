import { fileURLToPath } from 'node:url';

/** Repository root (bench/lib/ → ../..). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BENCH = fileURLToPath(new URL('..', import.meta.url));
/** Scratch space for builds and profiles (git-ignored). */
export const TMP = fileURLToPath(new URL('../tmp/', import.meta.url));
