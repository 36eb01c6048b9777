import * as z from 'zod/mini';
import { FrameworkSchema } from '../framework-schema';
import { ReceiptSchema } from '../protocol';
import {
  AccountSchema,
  LoginBody,
  LoginResponseSchema,
  MeResponseSchema,
  VerifierBody,
  VerifierListSchema,
  VerifierPatchBody,
} from './accounts';
import {
  ActionBulkBody,
  ActionCloseBody,
  ActionCommentBody,
  ActionCreateBody,
  ActionFileQuery,
  ActionListQuery,
  ActionListSchema,
  ActionPatchBody,
  ActionSchema,
  ActionsProgressSchema,
  OwnerBody,
  OwnerCredentialsSchema,
  OwnerListSchema,
  OwnerPatchBody,
} from './actions';
import {
  DashboardQuery,
  DashboardViewSchema,
  PlanQuery,
  PlanViewSchema,
  StagesViewSchema,
} from './dashboard';
import { HistorySchema } from './history';
import { OfficialComparisonSchema, OfficialImportQuery } from './official';
import { OrganisationBody, OrganisationSchema } from './organisation';
import { CitySummarySchema } from './reports';
import { AssessmentDetailSchema, ReopenBody, ReviewBody } from './review';
import {
  AssessmentSchema,
  AssignmentBody,
  AssignmentCreateResultSchema,
  AssignmentListSchema,
  AssignmentQuery,
  DeviceListSchema,
  DeviceSchema,
  EnrolmentTicketSchema,
  FrameworkListSchema,
  FrameworkSummarySchema,
  PeriodBody,
  PeriodListSchema,
  PeriodPatchBody,
  PeriodSchema,
  ReassignBody,
  ReassignResultSchema,
  SelfAssessmentBody,
  SelfAssessmentImportSummarySchema,
  StageChangeListSchema,
  StageMoveBody,
  UnitBody,
  UnitImportSummarySchema,
  UnitListSchema,
  UnitPatchBody,
  UnitSchema,
  UnitSelfAssessmentSchema,
} from './setup';
import {
  AuditListSchema,
  AuditQuery,
  BundleImportResultSchema,
  ConflictListSchema,
  ConflictQuery,
  ConflictViewSchema,
  RejectionListSchema,
  RejectionsQuery,
  ResolveBody,
} from './sync-audit';

/** Answer of GET /api/health (public; 503 with `ok: false` when the database is unreachable). */
export const HealthSchema = z.strictObject({
  ok: z.boolean(),
  db: z.enum(['ok', 'unreachable']),
  version: z.string(),
  protocol: z.int(),
  dialect: z.enum(['sqlite', 'postgres']),
});
export type Health = z.infer<typeof HealthSchema>;

/**
 * Answer of GET /api/ready (public, never cached; for load balancers and monitoring): 200
 * with `ok: true` when this server can take work — the database answers (`db`) and the
 * evidence file store can be written (`files`: a probe file written and removed, and the
 * S3 bucket answering when uploads are staged in S3). Else 503 naming what failed. While
 * the server shuts down: 503 with `state: 'draining'` (checks `skipped`), so no new work
 * is sent to it while it finishes what it has.
 */
export const ReadinessSchema = z.strictObject({
  ok: z.boolean(),
  state: z.enum(['ready', 'not_ready', 'draining']),
  db: z.enum(['ok', 'unreachable', 'skipped']),
  files: z.enum(['ok', 'unavailable', 'skipped']),
});
export type Readiness = z.infer<typeof ReadinessSchema>;

/** How an endpoint receives its input and what it answers. */
export interface EndpointSpec {
  /** Schema of the JSON body. */
  readonly body?: z.core.$ZodType;
  /**
   * A raw upload instead of JSON: CSV bytes, a tablet's export file, an instrument file, a
   * logo image, a table (CSV or XLSX bytes, told apart by content), or an evidence file
   * (any evidence format, core `evidence-limits.ts`).
   */
  readonly upload?: 'csv' | 'bundle' | 'instrument' | 'image' | 'table' | 'evidence';
  /** Schema of the query parameters (all text on the wire). */
  readonly query?: z.core.$ZodType;
  /** Schema of the JSON answer; null for 204 No Content; 'file' for a download. */
  readonly response: z.core.$ZodType | null | 'file';
}

/**
 * Every endpoint the coordinator pages call, by method and path (`:name` is a path
 * parameter): the contract the server's routes answer and the pages read. The coordinator's
 * client takes its types from here (type-only); the API contract test calls each one and
 * parses the real answer with its schema.
 */
export const ENDPOINTS = {
  'GET /api/health': { response: HealthSchema },
  'GET /api/ready': { response: ReadinessSchema },
  'POST /api/auth/login': { body: LoginBody, response: LoginResponseSchema },
  'POST /api/auth/logout': { response: null },
  'GET /api/me': { response: MeResponseSchema },

  'GET /api/organisation': { response: OrganisationSchema },
  'PUT /api/organisation': { body: OrganisationBody, response: OrganisationSchema },
  'GET /api/organisation/logo': { response: 'file' },
  'PUT /api/organisation/logo': { upload: 'image', response: OrganisationSchema },
  'DELETE /api/organisation/logo': { response: OrganisationSchema },

  'GET /api/frameworks': { response: FrameworkListSchema },
  'GET /api/frameworks/:id': { response: FrameworkSchema },
  'POST /api/frameworks': { upload: 'instrument', response: FrameworkSummarySchema },
  'DELETE /api/frameworks/:id': { response: null },

  'GET /api/periods': { response: PeriodListSchema },
  'POST /api/periods': { body: PeriodBody, response: PeriodSchema },
  'GET /api/periods/:id': { response: PeriodSchema },
  'PATCH /api/periods/:id': { body: PeriodPatchBody, response: PeriodSchema },
  'DELETE /api/periods/:id': { response: null },
  'POST /api/periods/:id/stage': { body: StageMoveBody, response: PeriodSchema },
  'GET /api/periods/:id/stage-changes': { response: StageChangeListSchema },
  'GET /api/periods/:id/units/:unitId/self-assessment': { response: UnitSelfAssessmentSchema },
  'PUT /api/periods/:id/units/:unitId/self-assessment': {
    body: SelfAssessmentBody,
    response: UnitSelfAssessmentSchema,
  },
  'POST /api/periods/:id/self-assessments/import': {
    upload: 'csv',
    response: SelfAssessmentImportSummarySchema,
  },
  'GET /api/periods/:id/official': { response: OfficialComparisonSchema },
  'PUT /api/periods/:id/official': {
    upload: 'table',
    query: OfficialImportQuery,
    response: OfficialComparisonSchema,
  },
  'GET /api/periods/:id/official/template.csv': { response: 'file' },

  'GET /api/units': { response: UnitListSchema },
  'POST /api/units': { body: UnitBody, response: UnitSchema },
  'POST /api/units/import': { upload: 'csv', response: UnitImportSummarySchema },
  'GET /api/units/template.csv': { response: 'file' },
  'GET /api/units/:id': { response: UnitSchema },
  'PATCH /api/units/:id': { body: UnitPatchBody, response: UnitSchema },
  'DELETE /api/units/:id': { response: null },

  'GET /api/verifiers': { response: VerifierListSchema },
  'POST /api/verifiers': { body: VerifierBody, response: AccountSchema },
  'GET /api/verifiers/:id': { response: AccountSchema },
  'PATCH /api/verifiers/:id': { body: VerifierPatchBody, response: AccountSchema },
  'POST /api/verifiers/:id/enrolments': { response: EnrolmentTicketSchema },
  'GET /api/verifiers/:id/devices': { response: DeviceListSchema },
  'POST /api/devices/:id/revoke': { response: DeviceSchema },

  'GET /api/assignments': { query: AssignmentQuery, response: AssignmentListSchema },
  'POST /api/assignments': { body: AssignmentBody, response: AssignmentCreateResultSchema },
  'POST /api/assignments/reassign': { body: ReassignBody, response: ReassignResultSchema },
  'DELETE /api/assignments/:id': { response: null },
  'GET /api/assessments/:id': { response: AssessmentSchema },

  'GET /api/dashboard/:periodId': { query: DashboardQuery, response: DashboardViewSchema },
  'GET /api/dashboard/:periodId/plan': { query: PlanQuery, response: PlanViewSchema },
  'GET /api/dashboard/:periodId/stages': { response: StagesViewSchema },
  'GET /api/reports/periods/:periodId/summary': { response: CitySummarySchema },
  'GET /api/reports/periods/:periodId/levels.csv': { response: 'file' },
  'GET /api/reports/periods/:periodId/levels.xlsx': { response: 'file' },
  'GET /api/reports/periods/:periodId/national-package.zip': {
    query: z.object({ unitId: z.optional(z.string()) }),
    response: 'file',
  },
  'GET /api/reports/assessments/:id': { response: AssessmentDetailSchema },
  'POST /api/assessments/:id/review': { body: ReviewBody, response: AssessmentDetailSchema },
  'POST /api/assessments/:id/reopen': { body: ReopenBody, response: AssessmentDetailSchema },
  'GET /api/files/by-hash/:sha256': {
    query: z.object({ record: z.optional(z.string()) }),
    response: 'file',
  },

  'GET /api/dashboard/:periodId/actions': { response: ActionsProgressSchema },
  'GET /api/history': { response: HistorySchema },

  'GET /api/actions': { query: ActionListQuery, response: ActionListSchema },
  'POST /api/actions': { body: ActionCreateBody, response: ActionSchema },
  'POST /api/actions/bulk': { body: ActionBulkBody, response: ActionListSchema },
  'GET /api/actions/:id': { response: ActionSchema },
  'PATCH /api/actions/:id': { body: ActionPatchBody, response: ActionSchema },
  'DELETE /api/actions/:id': { response: null },
  'POST /api/actions/:id/close': { body: ActionCloseBody, response: ActionSchema },
  'POST /api/actions/:id/comments': { body: ActionCommentBody, response: ActionSchema },
  'POST /api/actions/:id/files': {
    upload: 'evidence',
    query: ActionFileQuery,
    response: ActionSchema,
  },
  'GET /api/actions/:id/files/:sha256': { response: 'file' },
  'DELETE /api/actions/:id/files/:sha256': { response: ActionSchema },
  /** The per-OPD list, printable: HTML-free, the page prints it (owner: its own unit only). */
  'GET /api/owners': { response: OwnerListSchema },
  'POST /api/owners': { body: OwnerBody, response: OwnerCredentialsSchema },
  'PATCH /api/owners/:id': { body: OwnerPatchBody, response: OwnerCredentialsSchema.shape.account },
  'POST /api/owners/:id/password': { response: OwnerCredentialsSchema },

  'GET /api/conflicts': { query: ConflictQuery, response: ConflictListSchema },
  'POST /api/conflicts/:id/resolve': { body: ResolveBody, response: ConflictViewSchema },
  'GET /api/assessments/:id/audit': { query: AuditQuery, response: AuditListSchema },
  'GET /api/sync/rejections': { query: RejectionsQuery, response: RejectionListSchema },
  'GET /api/sync/receipt/:assessmentId': { response: ReceiptSchema },
  'POST /api/sync/bundles': { upload: 'bundle', response: BundleImportResultSchema },
} as const satisfies Record<string, EndpointSpec>;

export type Endpoints = typeof ENDPOINTS;
/** `METHOD /api/path/:param`, e.g. `'GET /api/periods/:id'`. */
export type EndpointKey = keyof Endpoints;

type Spec<K extends EndpointKey> = Endpoints[K];

/** The JSON answer of an endpoint: undefined for 204, never for downloads (not JSON). */
export type ResponseOf<K extends EndpointKey> = Spec<K>['response'] extends z.core.$ZodType
  ? z.output<Spec<K>['response']>
  : Spec<K>['response'] extends 'file'
    ? never
    : undefined;

/** The JSON body an endpoint takes (never for endpoints without one). */
export type BodyOf<K extends EndpointKey> =
  Spec<K> extends { body: infer B extends z.core.$ZodType } ? z.input<B> : never;

/** The query parameters an endpoint reads, as text (never for endpoints without any). */
export type QueryOf<K extends EndpointKey> =
  Spec<K> extends {
    query: infer Q extends z.core.$ZodType;
  }
    ? { [P in keyof z.input<Q>]?: string | undefined }
    : never;

/** The raw upload an endpoint takes instead of JSON (never for JSON endpoints). */
export type UploadOf<K extends EndpointKey> = Spec<K> extends { upload: infer U } ? U : never;

type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<Rest>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** The path parameters of an endpoint: `{ id: string }` for `GET /api/periods/:id`. */
export type ParamsOf<K extends EndpointKey> = {
  [N in ParamNames<K extends `${string} ${infer P}` ? P : never>]: string;
};

/** The method of an endpoint key. */
export type MethodOf<K extends EndpointKey> = K extends `${infer M} ${string}` ? M : never;
