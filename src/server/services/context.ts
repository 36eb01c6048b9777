import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import type { Database } from '../db/database';
import { createRepositories, type Repositories } from '../db/repositories';
import type { EvidenceStore } from '../lib/evidence-store';

/** What every service needs: the database, the clock and the configuration. */
export interface ServiceDeps {
  db: Kysely<Database>;
  clock: () => number;
  config: AppConfig;
  /** Directory of content-addressed evidence files (default: a per-process temp directory). */
  blobDir?: string | undefined;
  /**
   * Where verified evidence lives (local directory or S3; see lib/evidence-store.ts);
   * default: a local store in `blobDir`.
   */
  evidence?: EvidenceStore | undefined;
}

export abstract class BaseService {
  protected readonly repos: Repositories;
  constructor(protected readonly deps: ServiceDeps) {
    this.repos = createRepositories(deps.db);
  }
  protected now(): number {
    return this.deps.clock();
  }
}

/** Who performed a change (stored in audit columns); null for the system (seed, start-up). */
export type ActorId = string | null;
