import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MaintenanceRepository } from '../db/maintenance.repository';
import { BlobStore } from '../lib/blob-store';
import { AccountsService } from './accounts.service';
import { ActionsService } from './actions.service';
import { AssignmentsService } from './assignments.service';
import { AuthService } from './auth.service';
import { BundlesService } from './bundles.service';
import { CityIndexService } from './city-index';
import { ConflictsService } from './conflicts.service';
import type { ServiceDeps } from './context';
import { DashboardService } from './dashboard.service';
import { DevicesService } from './devices.service';
import { FilesService } from './files.service';
import { FrameworksService } from './frameworks.service';
import { HistoryService } from './history.service';
import { OfficialResultsService } from './official.service';
import { OrganisationService } from './organisation.service';
import { PeriodsService } from './periods.service';
import { PlanService } from './plan.service';
import { ReportsService } from './reports.service';
import { ReviewService } from './review.service';
import { SelfAssessmentsService } from './self-assessments.service';
import { SyncService } from './sync.service';
import { UnitsService } from './units.service';

export interface Services {
  /** The organisation (name, kind, time zone, logo) this server works for. */
  organisation: OrganisationService;
  auth: AuthService;
  accounts: AccountsService;
  devices: DevicesService;
  frameworks: FrameworksService;
  periods: PeriodsService;
  units: UnitsService;
  selfAssessments: SelfAssessmentsService;
  assignments: AssignmentsService;
  sync: SyncService;
  conflicts: ConflictsService;
  files: FilesService;
  bundles: BundlesService;
  /** Coordinator dashboard, improvement plan, review and reports. */
  dashboard: DashboardService;
  plan: PlanService;
  review: ReviewService;
  reports: ReportsService;
  /** The official result (KemenPANRB) per period and its comparison with the local one. */
  official: OfficialResultsService;
  /** Improvement actions (tindak lanjut) and owner accounts (issue 18). */
  actions: ActionsService;
  /** The index over the years: every period's indices and what changed between them. */
  history: HistoryService;
  /** Health probe. */
  ping(): Promise<void>;
}

/** Evidence files when no blob directory is configured (tests, tools): one per process. */
const DEFAULT_BLOB_DIR = join(tmpdir(), `telusur-blobs-${process.pid}`);

/** Wire every service to one database, clock and configuration. */
export function createServices(deps: ServiceDeps): Services {
  const organisation = new OrganisationService(deps);
  const auth = new AuthService(deps);
  const accounts = new AccountsService(deps);
  const frameworks = new FrameworksService(deps);
  const periods = new PeriodsService(deps);
  const units = new UnitsService(deps);
  const maintenance = new MaintenanceRepository(deps.db);
  const files = new FilesService(
    deps,
    deps.evidence ?? new BlobStore(deps.blobDir ?? DEFAULT_BLOB_DIR),
  );
  const sync = new SyncService(deps, frameworks, files);
  // One reader of the city consolidation rule for dashboard, plan and reports.
  const cities = new CityIndexService(deps, periods, frameworks);
  const dashboard = new DashboardService(deps, cities);
  const plan = new PlanService(deps, cities);
  const actions = new ActionsService(deps, cities, frameworks, files);
  const assignments = new AssignmentsService(deps, periods, frameworks, actions);
  return {
    organisation,
    auth,
    accounts,
    devices: new DevicesService(deps, accounts, auth),
    frameworks,
    periods,
    units,
    selfAssessments: new SelfAssessmentsService(deps, periods, units, frameworks),
    assignments,
    sync,
    conflicts: new ConflictsService(deps, frameworks),
    files,
    bundles: new BundlesService(deps, sync, files),
    dashboard,
    plan,
    review: new ReviewService(deps, periods, frameworks, assignments),
    reports: new ReportsService(deps, cities, dashboard, plan, files),
    official: new OfficialResultsService(deps, cities),
    actions,
    history: new HistoryService(deps, cities, frameworks),
    ping: () => maintenance.ping(),
  };
}

export type { ServiceDeps } from './context';
