import type { Framework } from '../framework';
import { parseFramework } from '../framework';
import spbe2020Json from './spbe-2020.json';

/** SPBE PermenPANRB 59/2020: 4 domains, 8 aspects, 47 indicators. */
// Marked pure so bundles that never use the built-in instrument (the verifier app's first
// load) drop its 120 KB of criteria text; the app imports this module lazily instead.
export const spbe2020: Framework = /* @__PURE__ */ parseFramework(spbe2020Json);

/** Instruments shipped with Telusur; coordinators may import others. */
export const builtInFrameworks: readonly Framework[] = [spbe2020];

export function findBuiltInFramework(id: string): Framework | undefined {
  return builtInFrameworks.find((f) => f.id === id);
}
