// Specific core modules, not the barrel: this is first-load code, and the barrel brings
// core's schemas (zod) and every module's code the lazy screens use (docs/architecture.md).
import { CHECK_FIELD_RE } from '../../core/entities';
import type { EvidenceCheck } from '../../core/entities-schema';
import { type Framework, listIndicators } from '../../core/framework';
import { completeness } from '../../core/record-state';
import type { Verification } from '../../store';

/**
 * Whether an indicator counts as "terverifikasi": core's `completeness` decides, the rule
 * the berita acara signs by — a verified level, or marked not applicable WITH a reason. An
 * indicator marked not applicable without a reason is not done yet, on every screen.
 */
export function isVerified(v: Verification | undefined): boolean {
  if (!v) return false;
  const c = completeness([v.indicatorNo], [resultOf(v)]);
  return c.verified + c.notApplicable === 1;
}

/** Marked not applicable, but the reason the berita acara needs is still empty. */
export function naWithoutReason(v: Verification | undefined): boolean {
  return !!v && v.notApplicable === true && (v.naReason ?? '').trim() === '';
}

/**
 * "n/total terverifikasi" of a unit, the same figure on the home card, the checklist and
 * the berita acara: the instrument's indicators that `isVerified` counts.
 */
export function verifiedCount(
  framework: Framework,
  verifications: Iterable<Verification>,
): { verified: number; total: number } {
  const nos = listIndicators(framework).map((i) => i.no);
  const c = completeness(nos, [...verifications].map(resultOf));
  return { verified: c.verified + c.notApplicable, total: c.total };
}

function resultOf(v: Verification) {
  return {
    no: v.indicatorNo,
    verifiedLevel: v.verifiedLevel ?? null,
    notApplicable: v.notApplicable === true,
    naReason: v.naReason ?? '',
  };
}

export function differs(v: Verification | undefined): boolean {
  return (
    !!v &&
    !v.notApplicable &&
    v.verifiedLevel != null &&
    v.selfLevel != null &&
    v.verifiedLevel !== v.selfLevel
  );
}

/** Evidence checks of a verification, by `checks.<level>.<index>` key. */
export function checksOf(v: Verification | undefined): Map<string, EvidenceCheck> {
  const out = new Map<string, EvidenceCheck>();
  if (!v) return out;
  for (const [k, val] of Object.entries(v))
    if (CHECK_FIELD_RE.test(k) && val) out.set(k, val as EvidenceCheck);
  return out;
}

export type EvidenceState = 'none' | 'ok' | 'problem';
/** 'problem' when any document was found missing or inadequate; 'ok' when some were checked and none failed. */
export function evidenceState(v: Verification | undefined): EvidenceState {
  const checks = [...checksOf(v).values()].filter((c) => c.state !== null);
  if (checks.length === 0) return 'none';
  return checks.some((c) => c.state === 'missing' || c.state === 'inadequate') ? 'problem' : 'ok';
}

export function levelsOf(
  verifications: readonly Verification[],
  which: 'verifiedLevel' | 'selfLevel',
) {
  const levels: Record<number, number | null> = {};
  const notApplicable: number[] = [];
  for (const v of verifications) {
    if (v.notApplicable) notApplicable.push(v.indicatorNo);
    levels[v.indicatorNo] = v[which] ?? null;
  }
  return { levels, notApplicable };
}
