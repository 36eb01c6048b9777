import type { Kysely } from 'kysely';
import type { HeldFile } from '../sync-domain';
import { chunks } from './chunks';
import type { Database } from './database';

/** Rows per `in (…)` list: well under SQLite's and PostgreSQL's bind-parameter limits. */
const CHUNK = 500;

/** An unfinished tus upload (table tus_uploads). */
export interface OpenUpload {
  id: string;
  deviceId: string;
  verifierId: string;
  /** Declared Upload-Length. */
  bytes: number;
  /** Wall-clock epoch ms of creation (the clock the tus library judges expiry by). */
  createdAt: number;
}

/** Who may stand behind a file: the devices that proved they hold it, and their verifiers. */
export interface Holders {
  devices: Set<string>;
  verifiers: Set<string>;
}

/**
 * Evidence files the server holds (content-addressed; a row exists only after the hash was
 * checked), which tablets proved they hold each one (file_holders), and unfinished tus
 * uploads (tus_uploads).
 */
export class FilesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Record a verified file; a second insert of the same hash changes nothing in `files`.
   * The receiving device (when known) is recorded as a holder either way.
   */
  async insert(f: HeldFile): Promise<void> {
    await this.db
      .insertInto('files')
      .values(f)
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
    if (f.receivedByDevice) await this.addHolder(f.sha256, f.receivedByDevice, f.receivedAt);
  }

  /**
   * Record that `deviceId` proved it holds the bytes of `sha256` (it uploaded them and the
   * hash matched, or they came in its signed export file). Idempotent.
   */
  async addHolder(sha256: string, deviceId: string, at: number): Promise<void> {
    await this.db
      .insertInto('fileHolders')
      .values({ sha256, deviceId, receivedAt: at })
      .onConflict((oc) => oc.columns(['sha256', 'deviceId']).doNothing())
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

  /** The `files` rows of these hashes (those that exist), by hash. */
  async findMany(shas: readonly string[]): Promise<Map<string, HeldFile>> {
    const out = new Map<string, HeldFile>();
    for (const part of chunks([...new Set(shas)], CHUNK)) {
      const rows = await this.db
        .selectFrom('files')
        .selectAll()
        .where('sha256', 'in', part)
        .execute();
      for (const r of rows)
        out.set(r.sha256, {
          sha256: r.sha256,
          bytes: Number(r.bytes),
          mime: r.mime,
          receivedAt: Number(r.receivedAt),
          receivedByDevice: r.receivedByDevice,
        });
    }
    return out;
  }

  /** Which of these hashes the server holds. */
  async heldAmong(shas: readonly string[]): Promise<Set<string>> {
    const held = new Set<string>();
    const all = [...new Set(shas)];
    for (const part of chunks(all, CHUNK)) {
      const rows = await this.db
        .selectFrom('files')
        .select('sha256')
        .where('sha256', 'in', part)
        .execute();
      for (const r of rows) held.add(r.sha256);
    }
    return held;
  }

  /** Per hash (held files only): the devices that proved they hold it and their verifiers. */
  async holdersOf(shas: readonly string[]): Promise<Map<string, Holders>> {
    const out = new Map<string, Holders>();
    const all = [...new Set(shas)];
    for (const part of chunks(all, CHUNK)) {
      const rows = await this.db
        .selectFrom('fileHolders')
        .innerJoin('files', 'files.sha256', 'fileHolders.sha256')
        .leftJoin('devices', 'devices.id', 'fileHolders.deviceId')
        .select(['fileHolders.sha256', 'fileHolders.deviceId', 'devices.verifierId'])
        .where('fileHolders.sha256', 'in', part)
        .execute();
      for (const r of rows) {
        let h = out.get(r.sha256);
        if (!h) {
          h = { devices: new Set(), verifiers: new Set() };
          out.set(r.sha256, h);
        }
        h.devices.add(r.deviceId);
        if (r.verifierId) h.verifiers.add(r.verifierId);
      }
    }
    return out;
  }

  /**
   * Author of each evidence record: the device that set its (immutable) `sha256` field —
   * the tablet that made the record, or the device of the export file that brought it —
   * with that device's verifier when the server knows the device.
   */
  async evidenceAuthors(
    recordIds: readonly string[],
  ): Promise<Map<string, { deviceId: string | null; verifierId: string | null }>> {
    const out = new Map<string, { deviceId: string | null; verifierId: string | null }>();
    const all = [...new Set(recordIds)];
    for (const part of chunks(all, CHUNK)) {
      const rows = await this.db
        .selectFrom('recordFields')
        .leftJoin('devices', 'devices.id', 'recordFields.updatedByDevice')
        .select(['recordFields.recordId', 'recordFields.updatedByDevice', 'devices.verifierId'])
        .where('recordFields.entity', '=', 'evidenceFile')
        .where('recordFields.field', '=', 'sha256')
        .where('recordFields.recordId', 'in', part)
        .execute();
      for (const r of rows)
        out.set(r.recordId, { deviceId: r.updatedByDevice, verifierId: r.verifierId ?? null });
    }
    return out;
  }

  /**
   * Of these evidence records, the ids whose file the server holds AND whose author holds
   * it: the author's device, or any device of the author's verifier, proved it has the
   * bytes. Naming a hash in an evidence record is not enough to be counted as holding it.
   */
  async heldByAuthors(refs: readonly { recordId: string; sha256: string }[]): Promise<Set<string>> {
    const holders = await this.holdersOf(refs.map((r) => r.sha256));
    const authors = await this.evidenceAuthors(refs.map((r) => r.recordId));
    const out = new Set<string>();
    for (const r of refs) {
      const h = holders.get(r.sha256);
      const a = authors.get(r.recordId);
      if (!h || !a) continue;
      if (
        (a.deviceId && h.devices.has(a.deviceId)) ||
        (a.verifierId && h.verifiers.has(a.verifierId))
      )
        out.add(r.recordId);
    }
    return out;
  }

  // --- unfinished tus uploads ------------------------------------------------------

  /** Remember a new upload and its uploader. */
  async openUpload(u: OpenUpload): Promise<void> {
    await this.db.insertInto('tusUploads').values(u).execute();
  }

  async findUpload(id: string): Promise<OpenUpload | null> {
    const r = await this.db
      .selectFrom('tusUploads')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r
      ? {
          id: r.id,
          deviceId: r.deviceId,
          verifierId: r.verifierId,
          bytes: Number(r.bytes),
          createdAt: Number(r.createdAt),
        }
      : null;
  }

  /** Forget an upload (finished, terminated or expired). */
  async closeUpload(id: string): Promise<void> {
    await this.db.deleteFrom('tusUploads').where('id', '=', id).execute();
  }

  /** Declared bytes of a device's unfinished uploads created after `since` (not expired). */
  async openBytes(deviceId: string, since: number): Promise<number> {
    const r = await this.db
      .selectFrom('tusUploads')
      .select((eb) => eb.fn.sum<number | string | null>('bytes').as('total'))
      .where('deviceId', '=', deviceId)
      .where('createdAt', '>', since)
      .executeTakeFirst();
    return Number(r?.total ?? 0);
  }

  /** Ids of uploads created at or before `before` (expired). */
  async uploadsCreatedBefore(before: number, limit = 1000): Promise<string[]> {
    const rows = await this.db
      .selectFrom('tusUploads')
      .select('id')
      .where('createdAt', '<=', before)
      .orderBy('createdAt')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }
}
