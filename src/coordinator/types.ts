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
