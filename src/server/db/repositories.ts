import type { Kysely } from 'kysely';
import { AccountsRepository } from './accounts.repository';
import { ActionsRepository } from './actions.repository';
import { AssignmentsRepository } from './assignments.repository';
import { ConflictsRepository } from './conflicts.repository';
import type { Database } from './database';
import { DevicesRepository } from './devices.repository';
import { FilesRepository } from './files.repository';
import { FrameworksRepository } from './frameworks.repository';
import { LoginFailuresRepository } from './login-failures.repository';
import { MaintenanceRepository } from './maintenance.repository';
import { OfficialResultsRepository } from './official-results.repository';
import { OrganisationRepository } from './organisation.repository';
import { PeriodsRepository } from './periods.repository';
import { ReportingRepository } from './reporting.repository';
import { SelfAssessmentsRepository } from './self-assessments.repository';
import { SessionsRepository } from './sessions.repository';
import { SyncRepository } from './sync.repository';
import { UnitsRepository } from './units.repository';

export interface Repositories {
  accounts: AccountsRepository;
  /** Improvement actions (tindak lanjut), their files and comments. */
  actions: ActionsRepository;
  sessions: SessionsRepository;
  loginFailures: LoginFailuresRepository;
  devices: DevicesRepository;
  frameworks: FrameworksRepository;
  periods: PeriodsRepository;
  units: UnitsRepository;
  selfAssessments: SelfAssessmentsRepository;
  assignments: AssignmentsRepository;
  maintenance: MaintenanceRepository;
  organisation: OrganisationRepository;
  sync: SyncRepository;
  conflicts: ConflictsRepository;
  files: FilesRepository;
  /** The official result (KemenPANRB) imported per period. */
  officialResults: OfficialResultsRepository;
  /** Dashboard, plan and export aggregations. */
  reporting: ReportingRepository;
}

/** All repositories over one connection or transaction. */
export function createRepositories(db: Kysely<Database>): Repositories {
  return {
    accounts: new AccountsRepository(db),
    actions: new ActionsRepository(db),
    sessions: new SessionsRepository(db),
    loginFailures: new LoginFailuresRepository(db),
    devices: new DevicesRepository(db),
    frameworks: new FrameworksRepository(db),
    periods: new PeriodsRepository(db),
    units: new UnitsRepository(db),
    selfAssessments: new SelfAssessmentsRepository(db),
    assignments: new AssignmentsRepository(db),
    maintenance: new MaintenanceRepository(db),
    organisation: new OrganisationRepository(db),
    sync: new SyncRepository(db),
    conflicts: new ConflictsRepository(db),
    files: new FilesRepository(db),
    officialResults: new OfficialResultsRepository(db),
    reporting: new ReportingRepository(db),
  };
}

/**
 * Run `fn` in one database transaction with repositories bound to it.
 *
 * @example
 *   await inTransaction(db, async (r) => { await r.units.insertMany(units, now); });
 */
export function inTransaction<T>(
  db: Kysely<Database>,
  fn: (repos: Repositories) => Promise<T>,
): Promise<T> {
  return db.transaction().execute((trx) => fn(createRepositories(trx)));
}
