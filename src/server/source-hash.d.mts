/** Types of source-hash.mjs (plain JavaScript so the launcher needs no TypeScript loader). */

/** Folders, relative to the repository, whose files the server build compiles. */
export declare const SERVER_SOURCE_DIRS: readonly string[];

/** SHA-256 (hex) of every file under SERVER_SOURCE_DIRS, by repository-relative path. */
export declare function serverSourceHash(root: string): string;
