/**
 * The API contract as the coordinator pages read it: every request and answer type of
 * src/core/api (types only, so no schema code rides into the coordinator chunk), and the
 * vocabularies the forms need at runtime from its zod-free enums.ts.
 */

export type * from '../core/api';
export {
  PARENT_KINDS,
  PERIOD_STATUSES,
  PLAN_STEP_CAP,
  PROGRESS_STATUSES,
  UNIT_CODE_RE,
  UNIT_KINDS,
} from '../core/api/enums';
export type { FrameworkProblem } from '../core/framework';
export {
  DEFAULT_ZONE_CODE,
  LOGO_MAX_BYTES,
  LOGO_MAX_TEXT,
  type LogoMime,
  logoProblem,
  ORGANISATION_KIND_LABELS,
  ORGANISATION_KINDS,
  ORGANISATION_NAME_MAX,
  type OrganisationKind,
  sniffLogoMime,
  TIME_ZONES,
  ZONE_IANA,
  ZONE_LABELS,
  type ZoneCode,
} from '../core/organisation';
