import * as z from 'zod/mini';

/**
 * The instrument as data, so a new evaluation instrument needs no code change. A framework
 * is a JSON document; this module is its schema, its validator with problems a coordinator
 * can read, and a compiled view used by the scoring code. See docs in README ("Format instrumen").
 */

const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const weight = z.number().check(z.positive());

export const LevelSpecSchema = z.strictObject({
  criteria: text(1, 4000),
  evidence: z.array(text(1, 1000)).check(z.maxLength(30)),
});

export const IndicatorSpecSchema = z.strictObject({
  no: z.int().check(z.gte(1), z.lte(999)),
  name: text(1, 500),
  weight,
  scale: text(1, 64),
  description: z.optional(text(0, 4000)),
  levels: z.optional(z.array(LevelSpecSchema)),
});

export interface GroupSpec {
  id: string;
  name: string;
  weight: number;
  groups?: GroupSpec[] | undefined;
  indicators?: z.infer<typeof IndicatorSpecSchema>[] | undefined;
}

export const GroupSpecSchema: z.ZodMiniType<GroupSpec> = z.lazy(() =>
  z.strictObject({
    id: text(1, 64),
    name: text(1, 500),
    weight,
    groups: z.optional(z.array(GroupSpecSchema).check(z.minLength(1))),
    indicators: z.optional(z.array(IndicatorSpecSchema).check(z.minLength(1))),
  }),
);

export const PredicateSchema = z.strictObject({
  name: text(1, 100),
  min: z.number(),
  max: z.optional(z.number()),
});

export const FrameworkSchema = z.strictObject({
  id: text(1, 64).check(z.regex(/^[a-z0-9][a-z0-9._-]*$/)),
  version: text(1, 32),
  name: text(1, 500),
  basis: text(1, 2000),
  scales: z.record(text(1, 64), z.array(text(1, 100))),
  predicates: z.array(PredicateSchema).check(z.minLength(1), z.maxLength(20)),
  groups: z.array(GroupSpecSchema).check(z.minLength(1)),
});

export type Framework = z.infer<typeof FrameworkSchema>;
export type IndicatorSpec = z.infer<typeof IndicatorSpecSchema>;
export type LevelSpec = z.infer<typeof LevelSpecSchema>;
export type Predicate = z.infer<typeof PredicateSchema>;

/** Lowest and highest maturity level of every framework. */
export const MIN_LEVEL = 1;
export const MAX_LEVEL = 5;
const LEVEL_COUNT = MAX_LEVEL - MIN_LEVEL + 1;

/** One problem found in an instrument file, in Indonesian and English. */
export interface FrameworkProblem {
  code: string;
  where: string;
  message: string;
  messageEn: string;
}

/** Thrown by parseFramework; lists every problem found, not only the first. */
export class FrameworkError extends Error {
  readonly problems: FrameworkProblem[];
  constructor(problems: FrameworkProblem[]) {
    super(
      `Instrumen tidak valid (${problems.length} masalah):\n${problems.map((p) => `- ${p.where}: ${p.message}`).join('\n')}`,
    );
    this.name = 'FrameworkError';
    this.problems = problems;
  }
}

/**
 * Validate an instrument (parsed JSON) and return it typed, or throw FrameworkError
 * listing every problem in words a coordinator understands.
 *
 * @example
 *   const fw = parseFramework(JSON.parse(text));
 */
export function parseFramework(json: unknown): Framework {
  const parsed = FrameworkSchema.safeParse(json);
  if (!parsed.success) {
    throw new FrameworkError(parsed.error.issues.map((issue) => structuralProblem(json, issue)));
  }
  const fw = parsed.data;
  const problems = semanticProblems(fw);
  if (problems.length > 0) throw new FrameworkError(problems);
  return fw;
}

/** The interchange JSON of a framework (inverse of parseFramework). */
export function serializeFramework(fw: Framework): unknown {
  return JSON.parse(JSON.stringify(fw));
}

// ---------------------------------------------------------------------------------------
// Problem wording

type Issue = z.core.$ZodIssue;

const FIELD_ID: Record<string, string> = {
  id: 'kode',
  version: 'versi',
  name: 'nama',
  basis: 'dasar hukum',
  scales: 'skala',
  predicates: 'predikat',
  groups: 'kelompok',
  indicators: 'indikator',
  weight: 'bobot',
  scale: 'skala',
  levels: 'level',
  criteria: 'kriteria',
  evidence: 'bukti dukung',
  no: 'nomor',
  min: 'batas bawah',
  max: 'batas atas',
};

/** Human path such as `kelompok "D2" › kelompok "A3" › indikator 16 › bobot`. */
function describePath(root: unknown, path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    const next =
      node && typeof node === 'object'
        ? (node as Record<PropertyKey, unknown>)[key as string]
        : undefined;
    if (typeof key === 'number') {
      const container = String(path[i - 1] ?? '');
      const item = next as Record<string, unknown> | undefined;
      if (container === 'groups') {
        parts.pop();
        parts.push(
          typeof item?.id === 'string' ? `kelompok "${item.id}"` : `kelompok ke-${key + 1}`,
        );
      } else if (container === 'indicators') {
        parts.pop();
        parts.push(
          typeof item?.no === 'number' ? `indikator ${item.no}` : `indikator ke-${key + 1}`,
        );
      } else if (container === 'levels') {
        parts.pop();
        parts.push(`level ${key + 1}`);
      } else if (container === 'predicates') {
        parts.pop();
        parts.push(
          typeof item?.name === 'string' ? `predikat "${item.name}"` : `predikat ke-${key + 1}`,
        );
      } else {
        parts.push(`butir ke-${key + 1}`);
      }
    } else {
      parts.push(FIELD_ID[String(key)] ?? String(key));
    }
    node = next;
  }
  return parts.length ? parts.join(' › ') : 'berkas instrumen';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return node;
}

function structuralProblem(root: unknown, issue: Issue): FrameworkProblem {
  const where = describePath(root, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (valueAt(root, issue.path) === undefined)
        return problem(
          'missing_field',
          where,
          'wajib diisi tetapi tidak ada',
          'is required but missing',
        );
      return problem(
        'wrong_type',
        where,
        `harus berupa ${typeWordId(issue.expected)}`,
        `must be ${typeWordEn(issue.expected)}`,
      );
    case 'too_small':
      if (issue.origin === 'array')
        return problem(
          'too_few',
          where,
          `minimal berisi ${issue.minimum} butir`,
          `needs at least ${issue.minimum} items`,
        );
      if (issue.origin === 'string')
        return problem('empty', where, 'tidak boleh kosong', 'must not be empty');
      return problem('too_small', where, 'harus lebih besar dari 0', 'must be greater than 0');
    case 'too_big':
      return problem(
        'too_big',
        where,
        `terlalu besar/panjang (maks. ${issue.maximum})`,
        `too large (max ${issue.maximum})`,
      );
    case 'unrecognized_keys':
      return problem(
        'unknown_field',
        where,
        `kolom tidak dikenal: ${issue.keys.join(', ')}`,
        `unknown field(s): ${issue.keys.join(', ')}`,
      );
    case 'invalid_format':
      return problem(
        'bad_format',
        where,
        'hanya boleh huruf kecil, angka, titik, garis bawah, dan tanda hubung',
        'may only contain lower-case letters, digits, dots, underscores and hyphens',
      );
    default:
      return problem('invalid', where, 'isinya tidak valid', 'is not valid');
  }
}

function typeWordId(expected: string): string {
  return (
    {
      number: 'angka',
      string: 'teks',
      array: 'daftar',
      object: 'objek',
      record: 'objek',
      int: 'bilangan bulat',
    }[expected] ?? expected
  );
}
function typeWordEn(expected: string): string {
  return (
    {
      number: 'a number',
      string: 'text',
      array: 'a list',
      object: 'an object',
      record: 'an object',
      int: 'an integer',
    }[expected] ?? expected
  );
}

function problem(
  code: string,
  where: string,
  message: string,
  messageEn: string,
): FrameworkProblem {
  return { code, where, message, messageEn };
}

// ---------------------------------------------------------------------------------------
// Semantic checks (the schema cannot express these)

const WEIGHT_TOLERANCE = 1e-9;

function semanticProblems(fw: Framework): FrameworkProblem[] {
  const out: FrameworkProblem[] = [];
  const scaleNames = Object.keys(fw.scales);
  if (scaleNames.length === 0) {
    out.push(
      problem(
        'no_scale',
        'skala',
        'minimal satu skala level harus didefinisikan',
        'define at least one level scale',
      ),
    );
  }
  for (const [name, labels] of Object.entries(fw.scales)) {
    if (labels.length !== LEVEL_COUNT) {
      out.push(
        problem(
          'scale_length',
          `skala "${name}"`,
          `harus memuat tepat ${LEVEL_COUNT} nama level, bukan ${labels.length}`,
          `must name exactly ${LEVEL_COUNT} levels, not ${labels.length}`,
        ),
      );
    }
  }

  const seenNo = new Map<number, string>();
  const seenGroup = new Set<string>();
  const walk = (groups: GroupSpec[], parentWhere: string) => {
    for (const g of groups) {
      const where = parentWhere ? `${parentWhere} › kelompok "${g.id}"` : `kelompok "${g.id}"`;
      if (seenGroup.has(g.id)) {
        out.push(
          problem(
            'duplicate_group',
            where,
            `kode kelompok "${g.id}" dipakai lebih dari sekali`,
            `group id "${g.id}" is used more than once`,
          ),
        );
      }
      seenGroup.add(g.id);
      const hasGroups = (g.groups?.length ?? 0) > 0;
      const hasIndicators = (g.indicators?.length ?? 0) > 0;
      if (hasGroups === hasIndicators) {
        out.push(
          problem(
            'group_shape',
            where,
            'harus berisi sub-kelompok ATAU indikator (tepat salah satu)',
            'must contain either sub-groups or indicators (exactly one of them)',
          ),
        );
        continue;
      }
      const children: { weight: number }[] = hasGroups ? (g.groups ?? []) : (g.indicators ?? []);
      const sum = exactSum(children.map((c) => c.weight));
      if (Math.abs(sum - g.weight) > WEIGHT_TOLERANCE) {
        out.push(
          problem(
            'weight_sum',
            where,
            `bobot kelompok ${fmt(g.weight)} tidak sama dengan jumlah bobot ${hasGroups ? 'sub-kelompok' : 'indikator'}nya (${fmt(sum)})`,
            `group weight ${fmt(g.weight)} differs from the sum of its ${hasGroups ? 'sub-groups' : 'indicators'} (${fmt(sum)})`,
          ),
        );
      }
      if (hasGroups) walk(g.groups ?? [], where);
      for (const ind of g.indicators ?? []) {
        const iw = `${where} › indikator ${ind.no}`;
        const prev = seenNo.get(ind.no);
        if (prev !== undefined) {
          out.push(
            problem(
              'duplicate_indicator',
              iw,
              `nomor indikator ${ind.no} sudah dipakai di ${prev}`,
              `indicator number ${ind.no} is already used in ${prev}`,
            ),
          );
        } else {
          seenNo.set(ind.no, where);
        }
        if (!Object.hasOwn(fw.scales, ind.scale)) {
          out.push(
            problem(
              'unknown_scale',
              iw,
              `skala "${ind.scale}" tidak dikenal (yang tersedia: ${scaleNames.join(', ') || '—'})`,
              `unknown scale "${ind.scale}" (available: ${scaleNames.join(', ') || '—'})`,
            ),
          );
        }
        if (ind.levels && ind.levels.length !== LEVEL_COUNT) {
          out.push(
            problem(
              'level_count',
              iw,
              `daftar level harus berisi tepat ${LEVEL_COUNT} level (1–5), bukan ${ind.levels.length}`,
              `the level list must have exactly ${LEVEL_COUNT} levels (1–5), not ${ind.levels.length}`,
            ),
          );
        }
      }
    }
  };
  walk(fw.groups, '');
  if (weightScale(fw) === null) {
    out.push(
      problem(
        'weight_precision',
        'bobot',
        'bobot hanya boleh memiliki paling banyak 6 angka desimal',
        'weights may have at most 6 decimal places',
      ),
    );
  }
  out.push(...predicateProblems(fw.predicates));
  return out;
}

function predicateProblems(bands: Predicate[]): FrameworkProblem[] {
  const out: FrameworkProblem[] = [];
  const where = (b: Predicate) => `predikat "${b.name}"`;
  const top = bands[0];
  if (top && top.min > MAX_LEVEL) {
    out.push(
      problem(
        'band_range',
        where(top),
        `batas bawah ${fmt(top.min)} melebihi indeks tertinggi ${MAX_LEVEL}`,
        `lower bound ${fmt(top.min)} is above the highest index ${MAX_LEVEL}`,
      ),
    );
  }
  if (top?.max !== undefined && top.max < MAX_LEVEL) {
    out.push(
      problem(
        'band_gap',
        where(top),
        `ada celah: indeks di atas ${fmt(top.max)} sampai ${MAX_LEVEL} tidak punya predikat`,
        `gap: indices above ${fmt(top.max)} up to ${MAX_LEVEL} have no predicate`,
      ),
    );
  }
  const names = new Set<string>();
  for (let i = 0; i < bands.length; i++) {
    const b = bands[i] as Predicate;
    if (names.has(b.name))
      out.push(
        problem(
          'band_duplicate',
          where(b),
          'nama predikat dipakai lebih dari sekali',
          'predicate name is used more than once',
        ),
      );
    names.add(b.name);
    if (b.max !== undefined && b.max <= b.min) {
      out.push(
        problem(
          'band_range',
          where(b),
          `batas atas ${fmt(b.max)} harus lebih besar dari batas bawah ${fmt(b.min)}`,
          `upper bound ${fmt(b.max)} must exceed lower bound ${fmt(b.min)}`,
        ),
      );
    }
    const above = bands[i - 1];
    if (!above) continue;
    if (b.min >= above.min) {
      out.push(
        problem(
          'band_order',
          where(b),
          `tumpang tindih atau salah urut: batas bawah ${fmt(b.min)} harus lebih kecil dari batas bawah predikat di atasnya ("${above.name}", ${fmt(above.min)}); urutkan dari predikat tertinggi`,
          `overlaps or is out of order: lower bound ${fmt(b.min)} must be below that of the band above ("${above.name}", ${fmt(above.min)}); list the highest band first`,
        ),
      );
    } else if (b.max !== undefined && b.max !== above.min) {
      const gap = b.max < above.min;
      out.push(
        problem(
          gap ? 'band_gap' : 'band_overlap',
          where(b),
          gap
            ? `ada celah: indeks dari ${fmt(b.max)} sampai di bawah ${fmt(above.min)} tidak punya predikat`
            : `tumpang tindih dengan "${above.name}": batas atas ${fmt(b.max)} melewati ${fmt(above.min)}`,
          gap
            ? `gap: indices from ${fmt(b.max)} up to ${fmt(above.min)} have no predicate`
            : `overlaps "${above.name}": upper bound ${fmt(b.max)} passes ${fmt(above.min)}`,
        ),
      );
    }
  }
  const bottom = bands[bands.length - 1];
  if (bottom && bottom.min > MIN_LEVEL) {
    out.push(
      problem(
        'band_gap',
        where(bottom),
        `ada celah: indeks dari ${MIN_LEVEL} sampai di bawah ${fmt(bottom.min)} tidak punya predikat (predikat terendah harus mulai dari ${MIN_LEVEL})`,
        `gap: indices from ${MIN_LEVEL} up to ${fmt(bottom.min)} have no predicate (the lowest band must start at ${MIN_LEVEL})`,
      ),
    );
  }
  return out;
}

function fmt(n: number): string {
  return String(Number(n.toFixed(9)));
}

/** Sum of decimal weights without float drift (weights have ≤ 6 decimals). */
function exactSum(values: number[]): number {
  const scale = 10 ** Math.min(6, Math.max(0, ...values.map(decimals)));
  return values.reduce((acc, v) => acc + Math.round(v * scale), 0) / scale;
}

function decimals(v: number): number {
  const s = String(v);
  if (s.includes('e-')) return 99;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** 10^d where d is the most decimals any weight or band bound uses; null when > 6. */
export function weightScale(fw: Framework): number | null {
  let d = 0;
  const visit = (groups: GroupSpec[]) => {
    for (const g of groups) {
      d = Math.max(d, decimals(g.weight));
      for (const ind of g.indicators ?? []) d = Math.max(d, decimals(ind.weight));
      visit(g.groups ?? []);
    }
  };
  visit(fw.groups);
  return d > 6 ? null : 10 ** d;
}

// ---------------------------------------------------------------------------------------
// Compiled view

export interface CompiledIndicator {
  readonly spec: IndicatorSpec;
  readonly no: number;
  /** Weight in integer units of 1/scale. */
  readonly units: number;
  /** Ids of the groups from the root down to the indicator's own group. */
  readonly path: readonly string[];
}

export interface CompiledGroup {
  readonly spec: GroupSpec;
  readonly depth: number;
  readonly parentId: string | null;
  /** Numbers of all indicators below this group. */
  readonly indicatorNos: readonly number[];
}

export interface CompiledFramework {
  readonly fw: Framework;
  readonly scale: number;
  readonly indicators: readonly CompiledIndicator[];
  readonly byNo: ReadonlyMap<number, CompiledIndicator>;
  readonly groups: readonly CompiledGroup[];
}

const compiledCache = new WeakMap<Framework, CompiledFramework>();

/** Flatten a validated framework for scoring; cached per framework object. */
export function compileFramework(fw: Framework): CompiledFramework {
  const hit = compiledCache.get(fw);
  if (hit) return hit;
  const scale = weightScale(fw) ?? 1_000_000;
  const indicators: CompiledIndicator[] = [];
  const groups: CompiledGroup[] = [];
  const walk = (list: GroupSpec[], path: string[], parentId: string | null): number[] => {
    const all: number[] = [];
    for (const g of list) {
      const here = [...path, g.id];
      const entry = { spec: g, depth: path.length, parentId, indicatorNos: [] as number[] };
      groups.push(entry);
      const nos: number[] = [];
      for (const ind of g.indicators ?? []) {
        indicators.push({
          spec: ind,
          no: ind.no,
          units: Math.round(ind.weight * scale),
          path: here,
        });
        nos.push(ind.no);
      }
      nos.push(...walk(g.groups ?? [], here, g.id));
      entry.indicatorNos = nos;
      all.push(...nos);
    }
    return all;
  };
  walk(fw.groups, [], null);
  const compiled: CompiledFramework = {
    fw,
    scale,
    indicators,
    byNo: new Map(indicators.map((i) => [i.no, i])),
    groups,
  };
  compiledCache.set(fw, compiled);
  return compiled;
}

/** All indicators in instrument order, with the ids of their groups. */
export function listIndicators(fw: Framework): readonly CompiledIndicator[] {
  return compileFramework(fw).indicators;
}

/** Name of a level on an indicator's scale, e.g. 3 → "Terdefinisi". */
export function levelName(fw: Framework, indicatorNo: number, level: number): string {
  const ind = compileFramework(fw).byNo.get(indicatorNo);
  const labels = ind ? fw.scales[ind.spec.scale] : undefined;
  return labels?.[level - MIN_LEVEL] ?? String(level);
}
