/**
 * JSON shapes of the coordinator API as the pages read them. The app room cannot import
 * src/server, so these mirror src/server/domain.ts (keep them in step; a shared wire module
 * in src/core would remove the copy).
 */

import type { Rejection } from '../../core';

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

/** What every coordinator page receives (see ROUTES in index.tsx). */
export interface PageProps {
  account: Account;
  /** False for viewers: write actions are hidden (the server refuses them anyway). */
  canWrite: boolean;
  params: Record<string, string>;
}
