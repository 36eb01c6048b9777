/**
 * The coordinator API contract: every request the coordinator pages send and every answer
 * the server gives them, as zod/mini schemas with their TypeScript types. The server
 * validates requests and types its answers with these; the coordinator pages import the
 * types (at runtime only the zod-free enums.ts and endpoint-path.ts);
 * test/integration/server/api-contract.test.ts parses real answers with them.
 *
 * Not part of the tablet's first load: the tablet app never imports this module at runtime
 * (src/core/index.browser.ts does not re-export it).
 */
export * from './accounts';
export * from './actions';
export * from './dashboard';
export * from './endpoint-path';
export * from './endpoints';
export * from './enums';
export * from './history';
export * from './official';
export * from './organisation';
export * from './problems';
export * from './reports';
export * from './review';
export * from './setup';
export * from './sync-audit';
export {
  AssessmentStatusSchema,
  DecisionSchema,
  DeviceOriginSchema,
  DeviceRevokedReasonSchema,
  IndexRuleSchema,
  LevelSourceSchema,
  PeriodStatusSchema,
  PlanStepCap,
  ProgressStatusSchema,
  RoleSchema,
  TargetIndex,
  UnitKindSchema,
} from './wire';
