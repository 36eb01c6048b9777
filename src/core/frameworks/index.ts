import type { Framework } from '../framework';
import { parseFramework } from '../framework';
import spbe2020Json from './spbe-2020.json';

/** SPBE PermenPANRB 59/2020: 4 domains, 8 aspects, 47 indicators. */
export const spbe2020: Framework = parseFramework(spbe2020Json);

/** Instruments shipped with Telusur; coordinators may import others. */
export const builtInFrameworks: readonly Framework[] = [spbe2020];

export function findBuiltInFramework(id: string): Framework | undefined {
  return builtInFrameworks.find((f) => f.id === id);
}
