import type { Framework } from '../framework';
import { parseFramework } from '../framework-schema';
import pemdi2026Json from './pemdi-2026.json';
import spbe2020Json from './spbe-2020.json';

// Marked pure so bundles that never use the built-in instruments (the verifier app's first
// load) drop their criteria text; the app imports this module lazily instead.

/** SPBE PermenPANRB 59/2020: 4 domains, 8 aspects, 47 indicators, whole levels 1–5. */
export const spbe2020: Framework = /* @__PURE__ */ parseFramework(spbe2020Json);

/**
 * Evaluasi Kinerja Pemerintah Digital, PermenPANRB 8/2026 (Indeks Pemdi): 7 aspects, 20
 * indicators, assessor values with two decimals, four indicators valued from other
 * agencies' indices.
 */
export const pemdi2026: Framework = /* @__PURE__ */ parseFramework(pemdi2026Json);

/** Instruments shipped with Telusur; coordinators may import others. */
export const builtInFrameworks: readonly Framework[] = [spbe2020, pemdi2026];

export function findBuiltInFramework(id: string): Framework | undefined {
  return builtInFrameworks.find((f) => f.id === id);
}
