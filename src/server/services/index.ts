import { MaintenanceRepository } from '../db/maintenance.repository';
import { AccountsService } from './accounts.service';
import { AssignmentsService } from './assignments.service';
import { AuthService } from './auth.service';
import type { ServiceDeps } from './context';
import { DevicesService } from './devices.service';
import { FrameworksService } from './frameworks.service';
import { PeriodsService } from './periods.service';
import { SelfAssessmentsService } from './self-assessments.service';
import { UnitsService } from './units.service';

export interface Services {
  auth: AuthService;
  accounts: AccountsService;
  devices: DevicesService;
  frameworks: FrameworksService;
  periods: PeriodsService;
  units: UnitsService;
  selfAssessments: SelfAssessmentsService;
  assignments: AssignmentsService;
  /** Health probe. */
  ping(): Promise<void>;
}

/** Wire every service to one database, clock and configuration. */
export function createServices(deps: ServiceDeps): Services {
  const auth = new AuthService(deps);
  const accounts = new AccountsService(deps);
  const frameworks = new FrameworksService(deps);
  const periods = new PeriodsService(deps);
  const units = new UnitsService(deps);
  const maintenance = new MaintenanceRepository(deps.db);
  return {
    auth,
    accounts,
    devices: new DevicesService(deps, accounts, auth),
    frameworks,
    periods,
    units,
    selfAssessments: new SelfAssessmentsService(deps, periods, units, frameworks),
    assignments: new AssignmentsService(deps, periods, frameworks),
    ping: () => maintenance.ping(),
  };
}

export type { ServiceDeps } from './context';
