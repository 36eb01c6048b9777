/**
 * JSON shapes of the coordinator API as the pages read them. The coordinator room cannot
 * import src/server, so these mirror src/server/domain.ts and the dashboard, review and
 * reports services (keep them in step until they move to the shared contract in src/core).
 */

import type { Rejection } from '../core';

export type Role = 'coordinator' | 'viewer' | 'verifier';
export type UnitKind = 'pemda' | 'opd' | 'kecamatan' | 'kelurahan';
export type PeriodStatus = 'draft' | 'active' | 'closed';

export const UNIT_KINDS: readonly UnitKind[] = ['pemda', 'opd', 'kecamatan', 'kelurahan'];
export const PERIOD_STATUSES: readonly PeriodStatus[] = ['draft', 'active', 'closed'];

/** Which kind of unit may sit under which (mirrors the server's PARENT_KINDS). */
export const PARENT_KINDS: Record<UnitKind, readonly (UnitKind | null)[]> = {
  pemda: [null],
  opd: ['pemda'],
  kecamatan: ['pemda'],
  kelurahan: ['kecamatan'],
};

/** Unit codes the server accepts (mirrors UNIT_CODE_RE). */
export const UNIT_CODE_RE = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/;

export interface Account {
  id: string;
  email: string;
  name: string;
  role: Role;
  active?: boolean;
  demo?: boolean;
}

export interface LoginResponse {
  token: string;
  expiresAt: number;
  account: Account;
}

export interface MeResponse {
  account: Account;
  sessionExpiresAt: number | null;
}

export interface FrameworkSummary {
  id: string;
  version: string;
  name: string;
  builtIn: boolean;
  createdAt: number;
  periodCount: number;
}

export interface Period {
  id: string;
  name: string;
  year: number;
  frameworkId: string;
  targetIndex: number;
  status: PeriodStatus;
  demo: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface UnitNode {
  id: string;
  parentId: string | null;
  kind: UnitKind;
  name: string;
  code: string;
  demo: boolean;
  depth: number;
}

export interface VerifierSummary extends Account {
  active: boolean;
  deviceCount: number;
  assignmentCount: number;
  lastSeenAt: number | null;
  createdAt: number;
}

export interface Device {
  id: string;
  verifierId: string;
  label: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  /** `revoked` (by a coordinator, or a logout) or `released` (the tablet let go); null while active. */
  revokedReason: 'revoked' | 'released' | null;
  /** Issued by an enrolment code, or by the tablet rotating another identity (issue 11 §3). */
  origin: 'enrol' | 'rotate';
  /** For `rotate`: the identity whose token asked for this one (it stays valid). */
  rotatedFrom: string | null;
}

/**
 * A change the server refused (GET /api/sync/rejections, server StoredRejection): the wire
 * rejection plus the tablet that sent it, its seq, how it came and the mutation as received.
 */
export interface StoredRejection extends Rejection {
  id: string;
  deviceId: string;
  /** The tablet's label and its verifier's name; null for a device this server does not know. */
  deviceLabel: string | null;
  verifierName: string | null;
  seq: number;
  /** `push` (online sync) or `bundle` (an export file a coordinator imported). */
  source: 'push' | 'bundle';
  /** The mutation as received: `changes` holds the values sent. */
  mutation: unknown;
}

/** Answer of POST /api/sync/bundles (server BundleImportResult, the parts the page reads). */
export interface BundleImportResult {
  assessmentId: string;
  deviceId: string;
  verifierId: string;
  /** Changes applied now, and those the server already had (an earlier push or import). */
  mutations: { applied: number; duplicates: number };
  /** Changes refused now (their seqs consumed); see `rejections`. */
  rejected: number;
  fields: { applied: number; same: number; conflict: number };
  files: { stored: number; alreadyHeld: number };
  rejections: Rejection[];
}

export interface EnrolmentTicket {
  id: string;
  verifierId: string;
  code: string;
  displayCode: string;
  expiresAt: number;
  uri: string;
  qrSvg: string;
}

export interface Assignment {
  id: string;
  periodId: string;
  unitId: string;
  verifierId: string;
  assessmentId: string;
  createdAt: number;
}

export interface UnitImportSummary {
  created: number;
  updated: number;
  unchanged: number;
}

export interface SelfAssessmentImportSummary {
  units: number;
  levels: number;
}

/** `details` of a 422 `validation_failed`. */
export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

/** `details.problems[]` of a 422 `framework_invalid`. */
export interface FrameworkProblem {
  code?: string;
  where: string;
  message: string;
  messageEn: string;
}

/** `details.rows[]` of a 422 `csv_invalid`. */
export interface CsvRowReport {
  line: number;
  problems: { column: string; code?: string; message: string; messageEn: string }[];
}

// --- dashboard, plan, review and reports (src/server/services/{dashboard,review,reports}) ---

export type ProgressStatus =
  | 'belum'
  | 'sedang'
  | 'selesai'
  | 'terkirim'
  | 'disetujui'
  | 'dikembalikan';
export const PROGRESS_STATUSES: readonly ProgressStatus[] = [
  'belum',
  'sedang',
  'selesai',
  'terkirim',
  'disetujui',
  'dikembalikan',
];
export type LevelSource = 'verified' | 'self' | 'none';

export interface IndexSummary {
  index: number | null;
  predicate: string | null;
  complete: boolean;
  assessedCount: number;
  applicableCount: number;
  renormalised: boolean;
}

export interface Consolidation {
  rule: string;
  unit: { id: string; code: string; name: string } | null;
  assessmentId: string | null;
  verifiedCount: number;
  selfOnlyCount: number;
  unassessedCount: number;
  notApplicable: number[];
}

export interface GroupIndices {
  id: string;
  name: string;
  depth: number;
  parentId: string | null;
  weight: number;
  self: number | null;
  consolidated: number | null;
}

export interface UnitProgress {
  unitId: string;
  code: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  assessmentId: string | null;
  assigned: boolean;
  status: ProgressStatus;
  storedStatus: string | null;
  done: number;
  verified: number;
  notApplicable: number;
  indicatorCount: number;
  files: number;
  filesHeld: number;
  updatedAt: number | null;
}

export interface Overclaim {
  no: number;
  name: string;
  compared: number;
  lowered: number;
  raised: number;
  stepsLost: number;
  share: number;
}

export interface FrameworkRef {
  id: string;
  name: string;
  version: string;
}

export interface DashboardView {
  period: Period;
  framework: FrameworkRef;
  generatedAt: number;
  consolidation: Consolidation;
  city: { self: IndexSummary; consolidated: IndexSummary; target: number };
  groups: GroupIndices[];
  progress: { total: number; assigned: number; byStatus: Record<ProgressStatus, number> };
  units: UnitProgress[];
  unitCount: number;
  offset: number;
  limit: number;
  heatmap: {
    indicators: { no: number; name: string; groupId: string }[];
    rows: {
      unitId: string;
      assessmentId: string;
      code: string;
      name: string;
      self: (number | null)[];
      verified: (number | null)[];
      notApplicable: number[];
      index: number | null;
    }[];
  };
  overclaims: Overclaim[];
  kecamatan: { id: string; name: string }[];
}

export interface PlanItem {
  no: number;
  name: string;
  groups: string[];
  weight: number;
  from: number;
  to: number;
  steps: number;
  effort: number;
  source: LevelSource;
  criteria: string | null;
  evidence: string[];
  heldBackBy: {
    total: number;
    units: { unitId: string; code: string; name: string; level: number }[];
  };
}

export interface PlanView {
  period: Period;
  framework: FrameworkRef;
  generatedAt: number;
  consolidation: Consolidation;
  target: number;
  options: { effort: Record<string, number>; fixed: number[] };
  current: IndexSummary;
  plannerIndex: number;
  resultingIndex: number;
  resultingPredicate: string | null;
  reachable: boolean;
  maxIndex: number;
  totalEffort: number;
  stepCount: number;
  indicatorsTouched: number;
  items: PlanItem[];
  indicators: {
    no: number;
    name: string;
    level: number | null;
    source: LevelSource;
    weight: number;
  }[];
}

export interface EvidenceFileView {
  recordId: string;
  sha256: string;
  name: string;
  mime: string;
  bytes: number;
  capturedAt: number | null;
  held: boolean;
}

export interface IndicatorReview {
  no: number;
  name: string;
  groups: string[];
  selfLevel: number | null;
  selfJustification: string;
  verifiedLevel: number | null;
  notApplicable: boolean;
  naReason: string;
  notes: string;
  reviewComment: string;
  checks: {
    level: number;
    index: number;
    evidence: string;
    state: 'present' | 'missing' | 'inadequate' | null;
    note: string;
  }[];
  files: EvidenceFileView[];
  openConflicts: number;
}

export interface AssessmentDetail {
  assessment: {
    id: string;
    periodId: string;
    unitId: string;
    status: string;
    progress: ProgressStatus;
    submittedAt: number | null;
    updatedAt: number;
  };
  unit: { id: string; code: string; name: string; kind: UnitKind; parentName: string | null };
  period: Period;
  framework: FrameworkRef;
  generatedAt: number;
  indices: { self: IndexSummary; verified: IndexSummary };
  indicators: IndicatorReview[];
  beritaAcara: {
    verifierName: string;
    verifierRole: string;
    verifierSignature: string | null;
    representativeName: string;
    representativeRole: string;
    representativeSignature: string | null;
    place: string;
    signedAt: number | null;
    summary: string;
    signatureRejected: boolean;
  } | null;
  comments: {
    id: string;
    indicatorNo: number | null;
    body: string;
    author: string;
    createdAt: number | null;
  }[];
  files: { total: number; held: number };
  openConflicts: number;
  review: {
    decidable: boolean;
    last: { status: string; by: string | null; at: number } | null;
    changedSinceDecision: boolean;
  };
}

export interface CitySummary {
  period: Period;
  framework: FrameworkRef;
  generatedAt: number;
  consolidation: Consolidation;
  city: DashboardView['city'];
  groups: GroupIndices[];
  progress: DashboardView['progress'];
  overclaims: Overclaim[];
  indicators: {
    no: number;
    name: string;
    groups: string[];
    weight: number;
    self: number | null;
    verified: number | null;
    level: number | null;
    source: LevelSource;
    notApplicable: boolean;
  }[];
  plan: PlanView;
}

export interface AuditEntry {
  seq: number;
  entity: string;
  recordId: string;
  field: string;
  value: unknown;
  valueTruncated: boolean;
  version: number;
  source: string;
  account: { id: string; name: string } | null;
  device: { id: string; label: string | null } | null;
  deviceAt: number | null;
  serverAt: number;
}

/** What every coordinator page receives (see ROUTES in index.tsx). */
export interface PageProps {
  account: Account;
  /** False for viewers: write actions are hidden (the server refuses them anyway). */
  canWrite: boolean;
  params: Record<string, string>;
}
