import { CHECK_FIELD_RE, type EvidenceCheck } from '../../core';
import type { Verification } from '../../store';

/** An indicator counts as verified once it has a verified level or is marked not applicable. */
export function isVerified(v: Verification | undefined): boolean {
  return !!v && (v.verifiedLevel != null || v.notApplicable === true);
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
