import type { Kysely } from 'kysely';
import type { HeldFile } from '../sync-domain';
import type { Database } from './database';

/** Evidence files the server holds (content-addressed; a row exists only after the hash was checked). */
export class FilesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Record a verified file; a second insert of the same hash changes nothing. */
  async insert(f: HeldFile): Promise<void> {
    await this.db
      .insertInto('files')
      .values(f)
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
  }

  async find(sha256: string): Promise<HeldFile | null> {
    const r = await this.db
      .selectFrom('files')
      .selectAll()
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    return r
      ? {
          sha256: r.sha256,
          bytes: Number(r.bytes),
          mime: r.mime,
          receivedAt: Number(r.receivedAt),
          receivedByDevice: r.receivedByDevice,
        }
      : null;
  }

  /** Which of these hashes the server holds. */
  async heldAmong(shas: readonly string[]): Promise<Set<string>> {
    const held = new Set<string>();
    const all = [...new Set(shas)];
    for (let i = 0; i < all.length; i += 500) {
      const rows = await this.db
        .selectFrom('files')
        .select('sha256')
        .where('sha256', 'in', all.slice(i, i + 500))
        .execute();
      for (const r of rows) held.add(r.sha256);
    }
    return held;
  }
}
