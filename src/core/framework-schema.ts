import * as z from 'zod/mini';
import {
  decimals,
  isValueIn,
  MAX_LEVEL,
  MIN_LEVEL,
  NOT_APPLICABLE_RULES,
  VALUE_DOMAINS,
  weightScale,
} from './framework';

/**
 * The instrument file's schema and its validator with problems a coordinator can read
 * (parseFramework). Kept apart from ./framework (the compiled view the scoring code and the
 * tablet's first screen use), so code that only reads a validated framework never loads zod:
 * the store, sync and the server validate with this module.
 * See docs in README ("Format instrumen").
 */

const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const weight = z.number().check(z.positive());

export const LevelSpecSchema = z.strictObject({
  criteria: text(1, 4000),
  evidence: z.array(text(1, 1000)).check(z.maxLength(30)),
});

/** One band of an outside index mapped to an indicator value (highest first, `min` inclusive). */
export const SourceMappingSchema = z.strictObject({
  min: z.number(),
  value: z.number().check(z.gte(1), z.lte(5)),
});

/**
 * An indicator valued from another agency's index instead of documents (PermenPANRB 8/2026:
 * Indeks Satu Data Indonesia, geospatial, EPSS statistics, interoperability). When `mapping`
 * is given the verifier enters the outside index as published (within `range`) and the value
 * follows from the bands; without it the outside index is already on 1–5 and is the value.
 * A missing outside index counts as 1 in the official index.
 */
export const IndicatorSourceSchema = z.strictObject({
  index: text(1, 300),
  agency: text(1, 300),
  range: z.optional(z.strictObject({ min: z.number(), max: z.number() })),
  mapping: z.optional(z.array(SourceMappingSchema).check(z.minLength(1), z.maxLength(20))),
  /**
   * `step` (default): the value of the first band reached. `linear`: a straight line
   * between consecutive mapping points, rounded half up to two decimals (the KemenPANRB
   * module converts Indeks SDI 68,75 to 3,75 this way).
   */
  interpolate: z.optional(z.enum(['step', 'linear'])),
});

export const IndicatorSpecSchema = z.strictObject({
  no: z.int().check(z.gte(1), z.lte(999)),
  name: text(1, 500),
  weight,
  scale: text(1, 64),
  description: z.optional(text(0, 4000)),
  levels: z.optional(z.array(LevelSpecSchema)),
  /** Overrides the instrument's `values` for this indicator. */
  values: z.optional(z.enum(VALUE_DOMAINS)),
  source: z.optional(IndicatorSourceSchema),
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
  /** Value domain of every indicator unless it says otherwise (default `level`). */
  values: z.optional(z.enum(VALUE_DOMAINS)),
  /** How the official index counts "not applicable" (default `level-1`). */
  notApplicable: z.optional(z.enum(NOT_APPLICABLE_RULES)),
  /** A scale whose level names label aggregate indices ("1,24 · Merintis"); none when absent. */
  indexScale: z.optional(text(1, 64)),
  scales: z.record(text(1, 64), z.array(text(1, 100))),
  predicates: z.array(PredicateSchema).check(z.minLength(1), z.maxLength(20)),
  groups: z.array(GroupSpecSchema).check(z.minLength(1)),
});

export type Framework = z.infer<typeof FrameworkSchema>;
export type IndicatorSpec = z.infer<typeof IndicatorSpecSchema>;
export type LevelSpec = z.infer<typeof LevelSpecSchema>;
export type Predicate = z.infer<typeof PredicateSchema>;
export type IndicatorSource = z.infer<typeof IndicatorSourceSchema>;

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
  values: 'jenis nilai',
  notApplicable: 'aturan tidak berlaku',
  indexScale: 'skala indeks',
  source: 'sumber indeks luar',
  mapping: 'pemetaan',
  interpolate: 'interpolasi',
  range: 'rentang',
  value: 'nilai',
  agency: 'instansi',
  index: 'indeks',
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
      } else if (container === 'mapping') {
        parts.pop();
        parts.push(`pemetaan ke-${key + 1}`);
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
    case 'invalid_value':
      return problem(
        'bad_choice',
        where,
        `harus salah satu dari: ${issue.values.map(String).join(', ')}`,
        `must be one of: ${issue.values.map(String).join(', ')}`,
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
        if (ind.source) out.push(...sourceProblems(ind.source, `${iw} › sumber indeks luar`));
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
  if (fw.indexScale !== undefined && !Object.hasOwn(fw.scales, fw.indexScale)) {
    out.push(
      problem(
        'unknown_scale',
        'skala indeks',
        `skala "${fw.indexScale}" tidak dikenal (yang tersedia: ${scaleNames.join(', ') || '—'})`,
        `unknown scale "${fw.indexScale}" (available: ${scaleNames.join(', ') || '—'})`,
      ),
    );
  }
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

function sourceProblems(src: IndicatorSource, where: string): FrameworkProblem[] {
  const out: FrameworkProblem[] = [];
  const { range, mapping } = src;
  if (range && !(range.max > range.min)) {
    out.push(
      problem(
        'source_range',
        `${where} › rentang`,
        `batas atas ${fmt(range.max)} harus lebih besar dari batas bawah ${fmt(range.min)}`,
        `upper bound ${fmt(range.max)} must exceed lower bound ${fmt(range.min)}`,
      ),
    );
  }
  if (mapping && !range) {
    out.push(
      problem(
        'source_range',
        where,
        'pemetaan membutuhkan rentang nilai indeks luar (rentang)',
        'a mapping needs the outside index range (range)',
      ),
    );
  }
  if (range && !mapping) {
    out.push(
      problem(
        'source_mapping',
        where,
        'rentang tanpa pemetaan: nilai indeks luar di luar skala 1–5 perlu pemetaan ke nilai indikator',
        'a range without a mapping: an outside index off the 1–5 scale needs a mapping to indicator values',
      ),
    );
  }
  for (let i = 1; i < (mapping?.length ?? 0); i++) {
    const a = mapping?.[i - 1];
    const b = mapping?.[i];
    if (a && b && !(b.min < a.min)) {
      out.push(
        problem(
          'band_order',
          `${where} › pemetaan ke-${i + 1}`,
          `batas bawah ${fmt(b.min)} harus lebih kecil dari batas bawah di atasnya (${fmt(a.min)}); urutkan dari nilai tertinggi`,
          `lower bound ${fmt(b.min)} must be below the one above (${fmt(a.min)}); list the highest first`,
        ),
      );
    }
  }
  for (const [i, m] of (mapping ?? []).entries()) {
    if (!isValueIn('decimal', m.value)) {
      out.push(
        problem(
          'bad_value',
          `${where} › pemetaan ke-${i + 1} › nilai`,
          'nilai harus 1,00–5,00 dengan paling banyak dua desimal',
          'the value must be 1.00–5.00 with at most two decimals',
        ),
      );
    }
  }
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
