/**
 * The core contract without the built-in instruments (index.ts adds those). The app's build
 * resolves its `core` imports here and loads './frameworks' lazily.
 *
 * Public contract of the shared core, used by the tablet (store, sync, app) and the
 * server alike. Changes here are protocol changes: keep them backward compatible or bump
 * PROTOCOL_VERSION.
 */
export * from './actions';
export * from './audit-text';
export * from './clock-check';
export * from './entities';
export * from './entities-schema';
export * from './evidence-limits';
export {
  type CompiledFramework,
  type CompiledGroup,
  type CompiledIndicator,
  compileFramework,
  isValueIn,
  levelName,
  listIndicators,
  MAX_LEVEL,
  MIN_LEVEL,
  NOT_APPLICABLE_RULES,
  type NotApplicableRule,
  notApplicableRuleOf,
  toHundredths,
  VALUE_DOMAINS,
  type ValueDomain,
  valueDomainOf,
  valueFromSource,
} from './framework';
export {
  type Framework,
  FrameworkError,
  type FrameworkProblem,
  FrameworkSchema,
  type GroupSpec,
  type IndicatorSource,
  type IndicatorSpec,
  type LevelSpec,
  type Predicate,
  parseFramework,
  serializeFramework,
} from './framework-schema';
export { compareHlc, decodeHlc, encodeHlc, type Hlc, receiveHlc, tickHlc } from './hlc';
export { isUuid, uuidv7 } from './ids';
export * from './labels';
export {
  COORDINATOR_STATUSES,
  decideField,
  decideRemoteField,
  type FieldDecision,
  type HeldField,
  IMMUTABLE_FIELDS,
  mutationOutcome,
  RECORD_DEFAULTS,
  REQUIRED_FIELDS,
  type RemoteFieldDecision,
  SERVER_OWNED_FIELDS,
  tabletWriteRefusal,
  type WriteRefusal,
} from './merge';
export * from './organisation';
export * from './protocol';
export * from './record-state';
export {
  computeIndex,
  cumulativeGap,
  describeIndex,
  formatIndex,
  formatValue,
  type GroupScore,
  type IndexDisplay,
  type IndexResult,
  type IndexRule,
  indexLevelName,
  type LevelMap,
  type Plan,
  type PlanOptions,
  type PlanStep,
  planImprovement,
  predicateFor,
  roundIndex,
  type ScoreOptions,
  ValueDomainError,
  valueProblem,
} from './scoring';
export * from './text';
export * from './workflow';
export * from './workflow-schema';
