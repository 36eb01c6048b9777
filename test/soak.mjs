#!/usr/bin/env node
// `npm run soak`: the full-size reliability proofs (nothing lost, nothing applied twice, no
// hang), on this machine, in < 10 min.
//
// Each proof is an ordinary Vitest test whose sizes come from environment variables (the
// quick sizes run in `npm test`); here they run at full size, and each appends one JSON line
// {proof, figures, goal, met} to TELUSUR_SOAK_REPORT. This script runs them in two lanes
// (of about equal length; each PostgreSQL proof in a scratch database of its own), then writes
// bench/soak.json and the "Reliability" section of bench/RESULTS.md.
//
//   npm run soak                      all proofs; writes bench/soak.json and RESULTS.md
//   npm run soak -- kill9 fuzz        a subset; writes bench/tmp/soak-partial.json only
//   npm run soak -- --serial          one proof at a time (slower; for timing each alone)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { tcpReachable } from './helpers/tcp-reachable.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TMP = join(ROOT, 'bench/tmp');
const LOGS = join(TMP, 'soak-logs');
const REPORT = join(TMP, 'soak-report.jsonl');
const BUDGET_S = 600;
const PG_URL = process.env.TELUSUR_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// ---- full sizes --------------------------------------------------------------------------

const CHAOS = {
  TELUSUR_CHAOS_DEVICES: '20',
  TELUSUR_CHAOS_ROUNDS: '50',
  TELUSUR_CHAOS_EDITS: '10',
  TELUSUR_CHAOS_PHOTO_EVERY: '1',
  TELUSUR_CHAOS_INDICATORS: '47',
  TELUSUR_CHAOS_FAULT_RATE: '0.2',
  TELUSUR_CHAOS_HEAL: '0',
  TELUSUR_CHAOS_TIMEOUT_MS: '540000',
};
/**
 * PostgreSQL runs the chaos proof at full size too (≈ 125 s alone here, ≈ 170 s next to the
 * other lane). If the machine is too slow for that within 10 minutes, TELUSUR_SOAK_CHAOS_PG_ROUNDS
 * runs fewer rounds there; RESULTS.md then says so.
 */
const CHAOS_PG_ROUNDS = process.env.TELUSUR_SOAK_CHAOS_PG_ROUNDS ?? CHAOS.TELUSUR_CHAOS_ROUNDS;

/** Field faults (withdrawn unit, cloned tablet, damaged photo, pasted NUL, forged export file) mixed into chaos sync, at 20 % network faults, never healed. */
const FIELD = {
  TELUSUR_FIELD_VERIFIERS: '8',
  TELUSUR_FIELD_ROUNDS: '20',
  TELUSUR_FIELD_EDITS: '10',
  TELUSUR_FIELD_INDICATORS: '20',
  TELUSUR_FIELD_FAULT_RATE: '0.2',
  TELUSUR_FIELD_HEAL: '0',
  TELUSUR_FIELD_TIMEOUT_MS: '400000',
};

const KILL9 = {
  TELUSUR_KILL9_PUSHES: '1000',
  TELUSUR_KILL9_UP_MS: '2500,7000',
  TELUSUR_KILL9_PHOTO_EVERY: '10',
  TELUSUR_KILL9_TIMEOUT_MS: '400000',
};

/**
 * Several server processes (issue 19): 3 processes on one PostgreSQL database behind a
 * round-robin proxy, evidence in an s3rver process, a shared staging directory; tablets push,
 * pull, upload and free photos while processes are killed with -9 and restarted.
 */
const MULTI = {
  TELUSUR_MP_PROCESSES: '3',
  TELUSUR_MP_TABLETS: '9',
  TELUSUR_MP_ROUNDS: '16',
  TELUSUR_MP_EDITS: '4',
  TELUSUR_MP_PHOTO_EVERY: '2',
  TELUSUR_MP_KILLS: '4',
  TELUSUR_MP_TIMEOUT_MS: '300000',
};

/**
 * Two lanes run side by side (roughly equal length on 2 cores). A proof that uses
 * PostgreSQL gets a scratch database of its own (created here, dropped afterwards): the
 * server's migrator looks at every schema of its database, so a restart migrating next to
 * another run's schema being dropped (this soak's other lane, or anyone's `npm test` in the
 * shared database) would fail for reasons that are not the proof's.
 */
const PROOFS = [
  {
    id: 'chaos-sqlite',
    lane: 1,
    file: 'test/integration/sync/faults-http.test.ts',
    filter: '\\[sqlite\\]',
    env: CHAOS,
  },
  {
    id: 'kill9-postgres',
    lane: 1,
    file: 'test/integration/sync/kill9.test.ts',
    filter: '\\[postgres\\]',
    env: KILL9,
    needs: 'postgres',
  },
  {
    id: 'fuzz',
    lane: 1,
    file: 'test/integration/server/fuzz.test.ts',
    env: {
      TELUSUR_FUZZ_RUNS: '300',
      TELUSUR_FUZZ_SWEEP: '140',
      TELUSUR_FUZZ_TIMEOUT_MS: '300000',
    },
    usesPostgres: true,
  },
  {
    id: 'kill9-sqlite',
    lane: 2,
    file: 'test/integration/sync/kill9.test.ts',
    filter: '\\[sqlite\\]',
    env: KILL9,
  },
  {
    id: 'chaos-postgres',
    lane: 2,
    file: 'test/integration/sync/faults-http.test.ts',
    filter: '\\[postgres\\]',
    env: { ...CHAOS, TELUSUR_CHAOS_ROUNDS: CHAOS_PG_ROUNDS },
    needs: 'postgres',
  },
  {
    id: 'field-sqlite',
    lane: 2,
    file: 'test/integration/sync/chaos-field.test.ts',
    filter: '\\[sqlite\\]',
    env: FIELD,
  },
  {
    id: 'field-postgres',
    lane: 2,
    file: 'test/integration/sync/chaos-field.test.ts',
    filter: '\\[postgres\\]',
    env: FIELD,
    needs: 'postgres',
  },
  {
    id: 'multi-process',
    lane: 1,
    file: 'test/integration/sync/multi-process.test.ts',
    env: MULTI,
    needs: 'postgres',
  },
  {
    id: 'startup-postgres',
    lane: 2,
    file: 'test/integration/server/multi-process.test.ts',
    env: { TELUSUR_STARTUP_TRIALS: '3' },
    needs: 'postgres',
  },
  {
    id: 'tabkill',
    lane: 2,
    file: 'test/e2e/tab-kill.test.ts',
    env: { TELUSUR_E2E: '1', CHROMIUM_PATH: CHROMIUM, TELUSUR_SOAK_EDITS: '1000' },
    needs: 'chromium',
  },
];

// ---- helpers -----------------------------------------------------------------------------

const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
};

function machine() {
  const cpu = /model name\s*:\s*(.+)/.exec(sh('cat', ['/proc/cpuinfo']))?.[1] ?? cpus()[0]?.model;
  const head = sh('git', ['rev-parse', '--short', 'HEAD']) || 'unknown';
  const dirty = sh('git', ['status', '--porcelain', '--', 'src', 'test']);
  return {
    date: new Date().toISOString(),
    nproc: Number(sh('nproc', [])) || cpus().length,
    cpu,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    chromium: existsSync(CHROMIUM) ? sh(CHROMIUM, ['--version']) : 'not installed',
    commit: dirty ? `${head} + uncommitted changes in src/ or test/ (working tree run)` : head,
    load: { start: Math.round(loadavg()[0] * 100) / 100, end: null },
  };
}

/** A scratch PostgreSQL database for one proof; returns its URL and a drop function. */
async function scratchDatabase(id) {
  const name = `telusur_soak_${id.replace(/[^a-z0-9]/g, '_')}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await c.end();
    },
  };
}

/** Run one proof's Vitest file; resolves with its exit code and duration. */
async function runProof(p, baseEnv) {
  const scratch =
    pgUp && (p.needs === 'postgres' || p.usesPostgres) ? await scratchDatabase(p.id) : null;
  try {
    return await runVitest(p, {
      ...baseEnv,
      ...(scratch ? { TELUSUR_PG_URL: scratch.url } : {}),
    });
  } finally {
    await scratch?.drop();
  }
}

function runVitest(p, env) {
  const started = Date.now();
  const log = join(LOGS, `${p.id}.log`);
  const args = ['vitest', 'run', p.file, '--reporter=default'];
  if (p.filter) args.push('-t', p.filter);
  return new Promise((resolve) => {
    const child = spawn('npx', args, {
      cwd: ROOT,
      env: { ...env, ...p.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    // A proof that hangs must not hang the soak: stop its whole process group.
    const timer = setTimeout(() => {
      out += `\nsoak: ${p.id} stopped after ${BUDGET_S} s\n`;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, BUDGET_S * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      writeFileSync(log, out);
      const seconds = (Date.now() - started) / 1000;
      const summary =
        /Tests\s+.*$/m.exec(
          out.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), ''),
        )?.[0] ?? '';
      console.log(
        `  ${code === 0 ? '✓' : '✗'} ${p.id} — ${seconds.toFixed(0)} s — ${summary.trim() || `exit ${code}`} (log: bench/tmp/soak-logs/${p.id}.log)`,
      );
      resolve({ id: p.id, exit: code, seconds, log: `bench/tmp/soak-logs/${p.id}.log` });
    });
  });
}

// ---- the report --------------------------------------------------------------------------

const int = (n) => Math.round(Number(n)).toLocaleString('en-US');
const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)} %` : '—');
const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MB`;
/**
 * The chaos proof's memory figures (test/helpers/memory-sampler.ts): the process the server
 * runs in, sampled every 250 ms; the leak signal compares the heap after a full GC at the end
 * with the heap at the start.
 */
function memoryText(mem) {
  if (!mem) return 'memory not sampled';
  const f = (x) =>
    `start ${mb(x.start)}, peak ${mb(x.peak)}, end ${mb(x.end)}${x.endAfterGc === null ? '' : ` (${mb(x.endAfterGc)} after a full GC)`}`;
  const after = mem.heapUsed.endAfterGc ?? mem.heapUsed.end;
  const buffers = mem.arrayBuffers ? `; ArrayBuffers outside the heap ${f(mem.arrayBuffers)}` : '';
  return `server process memory (${int(mem.samples)} samples every ${mem.intervalMs} ms): RSS ${f(mem.rss)}; V8 heap used ${f(mem.heapUsed)}, ${mb(after - mem.heapUsed.start)} above start after GC${buffers}`;
}

const dbName = (d) => (d === 'postgres' ? 'PostgreSQL' : d === 'sqlite' ? 'SQLite' : d);

/** One row per proof and database, from the JSON lines (or the absence of them). */
function rows(lines, runs, expected) {
  const out = [];
  const byProof = (proof, dialect) =>
    lines.filter((l) => l.proof === proof && (dialect ? l.figures.dialect === dialect : true));
  const missing = (label, dialect, goal, runId) => {
    const run = runs.find((r) => r.id === runId);
    out.push({
      proof: label,
      db: dialect,
      size: '—',
      result: run
        ? `no figures: the test failed before reporting (exit ${run.exit}; ${run.log})`
        : 'not run',
      goal,
      met: false,
      figures: null,
    });
  };

  const chaosGoal = 'lost 0, duplicated 0, hashes verified 100 %';
  for (const d of expected.dialects) {
    const l = byProof('chaos', d).at(-1);
    if (!l) {
      missing('Chaos sync', d, chaosGoal, `chaos-${d}`);
      continue;
    }
    const f = l.figures;
    const perDevice = (n) => int(n / f.devices);
    out.push({
      proof: 'Chaos sync',
      db: d,
      size: `${f.devices} tablets × ${perDevice(f.mutations - f.files)} edits + ${perDevice(f.files)} photos each = ${int(f.mutations)} mutations, ${int(f.files)} files (${mb(f.fileBytes)}); ${int(f.requests)} requests through the proxy, ${int(f.faults)} faulted (${pct(f.faults, f.requests)})${f.healedBeforeDrain ? '' : ', never healed'}; ${f.seconds.toFixed(0)} s`,
      result: `lost ${f.lost}, duplicated ${f.duplicated}, hashes verified ${int(f.hashesVerified)}/${int(f.files)} (${pct(f.hashesVerified, f.files)}); ${int(f.conflicts)} conflicts recorded (both values kept); ${memoryText(f.memory)}`,
      goal: chaosGoal,
      met: l.met,
      figures: f,
    });
  }

  const fieldGoal =
    'field faults (withdrawn unit, cloned tablet, damaged photo, pasted NUL, forged bundle) in chaos sync: lost 0, silently dropped 0, stalled tablets 0, every rejection on its tablet';
  for (const d of expected.dialects) {
    const l = byProof('field-faults', d).at(-1);
    if (!l) {
      missing('Field faults', d, fieldGoal, `field-${d}`);
      continue;
    }
    const f = l.figures;
    out.push({
      proof: 'Field faults',
      db: d,
      size: `${f.tablets} tablets (one a clone), ${int(f.changesIssued)} changes queued; ${int(f.requests)} requests through the proxy, ${int(f.faults)} faulted (${pct(f.faults, f.requests)}); ${f.seconds.toFixed(0)} s`,
      result: `lost ${f.lost}, silently dropped ${f.silentlyDropped}, stalled tablets ${f.stalledTablets}, duplicated ${f.duplicated}; ${int(f.rejected)} changes refused and listed on their tablets (${int(f.serverRejections)} stored by the server); identity rotations ${f.identityRotations}; files missing on receipts ${f.filesMissingOnReceipt}`,
      goal: fieldGoal,
      met: l.met,
      figures: f,
    });
  }

  const killGoal = '1,000 pushes, kill -9 at random points: acknowledged mutations lost 0';
  for (const d of expected.dialects) {
    const l = byProof('kill9', d).at(-1);
    if (!l) {
      missing('Server kill -9', d, killGoal, `kill9-${d}`);
      continue;
    }
    const f = l.figures;
    out.push({
      proof: 'Server kill -9',
      db: d,
      size: `${int(f.pushes)} pushes (${int(f.pushesAnswered)} answered), ${f.kills} kill -9 + restart at random moments, ${int(f.mutations)} mutations, ${f.photos} photos; ${f.seconds.toFixed(0)} s`,
      result: `acknowledged mutations lost ${f.lostAcknowledged} (of ${int(f.acknowledged)} acknowledged); any mutation lost ${f.lostAny}, duplicated ${f.duplicated}; photos verified by hash ${f.hashesVerified}/${f.photos}`,
      goal: killGoal,
      met: l.met,
      figures: f,
    });
  }

  const multiGoal =
    '3 processes on one PostgreSQL behind a round-robin proxy, kill -9 mid-run: lost 0, duplicated 0, every receipt-listed file downloadable from every process and hash-verified, no staging left, an upload finished on another process than began it';
  if (expected.dialects.includes('postgres')) {
    const l = byProof('multi-process').at(-1);
    if (!l) missing('Several processes', 'postgres', multiGoal, 'multi-process');
    else {
      const f = l.figures;
      out.push({
        proof: 'Several processes',
        db: 'postgres',
        size: `${f.processes} processes (started at once on an empty schema: ${f.startSeconds.toFixed(1)} s) behind a round-robin proxy, evidence in ${f.filesStore ?? 'a shared store'}; ${f.tablets} tablets × ${f.rounds} rounds, ${int(f.mutations)} mutations, ${f.photos} photos (${mb(f.photoBytes)}); ${f.kills} kill -9 + restart (${f.killsMidUpload ?? 0} with a tus PATCH in flight to the killed process); ${int(f.requests)} requests (${f.requestsPerProcess.map(int).join(' / ')} per process, ${int(f.requestsRerouted)} rerouted past a dead process, ${int(f.requestsFailedAtProxy)} cut by a kill); ${f.seconds.toFixed(0)} s`,
        result: `acknowledged lost ${f.lostAcknowledged}, any lost ${f.lost}, duplicated ${f.duplicated}; receipt-listed files downloaded from every process and hash-verified ${int(f.downloadsVerified)}/${int(f.downloadsExpected)}; photos missing on receipts ${f.missingOnReceipt}; freed by tablets ${f.freed} (without a receipt listing them: ${f.freedUnlisted}); finished uploads left in staging ${f.stagingFinishedLeft}${f.bucketOtherKeys === undefined ? '' : `, non-evidence keys in the bucket ${f.bucketOtherKeys}`}${f.localEvidenceFiles === undefined ? '' : `, evidence files on a process's own disk ${f.localEvidenceFiles}, processes not ready at the end ${f.notReady}`}; uploads finished on another process than began them ${f.uploadsFinishedElsewhere}/${f.uploadsCreated}, cut by a kill and finished elsewhere ${f.uploadsResumedAfterKill ?? 0}`,
        goal: multiGoal,
        met: l.met,
        figures: f,
      });
    }
  }

  const tabGoal = '1,000 edits reported saved, Chromium SIGKILLed at random points: lost 0';
  if (expected.chromium) {
    const l = byProof('tabkill').at(-1);
    if (!l) missing('Tab kill', 'chromium', tabGoal, 'tabkill');
    else {
      const f = l.figures;
      out.push({
        proof: 'Tab kill',
        db: 'Chromium + IndexedDB',
        size: `${int(f.editsReportedSaved)} edits reported saved (${int(f.editsStarted)} started), ${f.kills} SIGKILLs of the whole browser; ${f.seconds.toFixed(0)} s`,
        result: `lost ${f.lost} (latest saved edit of each of ${f.indicatorsChecked} indicators present after restart), outbox seq gap-free: ${f.outboxGapFree ? 'yes' : 'NO'}`,
        goal: tabGoal,
        met: l.met,
        figures: f,
      });
    }
  } else {
    out.push({
      proof: 'Tab kill',
      db: 'Chromium',
      size: '—',
      result: `not run: no Chromium at ${CHROMIUM}`,
      goal: tabGoal,
      met: false,
      figures: null,
    });
  }

  const startupGoal =
    '3 processes started at once on an empty database, 3 trials: all healthy, one demo, each built-in instrument and migration once; login limit exact across processes';
  if (expected.dialects.includes('postgres')) {
    const l = byProof('startup-race').at(-1);
    if (!l) missing('Start-up race', 'postgres', startupGoal, 'startup-postgres');
    else {
      const f = l.figures;
      out.push({
        proof: 'Start-up race',
        db: 'postgres',
        size: `${f.trials} trials × ${f.processes} processes started at once on an empty schema (all healthy after ${f.startMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}), a 4th later; ${f.loginBurst} simultaneous wrong logins for one account over ${f.processes} processes, and on one`,
        result: `processes that seeded per trial: ${f.seeders.join(', ')}; demo accounts, built-ins and migrations each once; wrong logins checked ${f.loginChecked} of ${f.loginBurst} (rest 429)`,
        goal: startupGoal,
        met: l.met,
        figures: f,
      });
    }
  }

  const fuzzGoal = '≥ 10,000 malformed requests across all routes: 5xx 0, rows changed 0';
  for (const d of expected.dialects) {
    const ls = byProof('fuzz', d);
    if (ls.length === 0) {
      missing('Fuzz', d, fuzzGoal, 'fuzz');
      continue;
    }
    const sweep = ls.find((l) => l.figures.test === 'sweep over every route');
    const targeted = ls.filter((l) => l !== sweep);
    const requests = ls.reduce((a, l) => a + l.figures.requests, 0);
    const fiveXX = ls.reduce((a, l) => a + l.figures.fiveXX, 0);
    const changedTables = [...new Set(ls.flatMap((l) => l.figures.changed ?? []))];
    const rowsChanged = sweep?.figures.rowsChanged ?? 0;
    out.push({
      proof: 'Fuzz',
      db: d,
      size: `${int(requests)} malformed requests: ${int(requests - (sweep?.figures.requests ?? 0))} corrupted/junk bodies on ${targeted.filter((l) => l.figures.test !== 'CSV imports').length} writing endpoints and the 2 CSV imports, ${int(sweep?.figures.requests ?? 0)} in a sweep over all ${sweep?.figures.routes ?? '?'} registered API routes (junk path params, queries, bodies, content types, credentials, protocol and tus headers)`,
      result: `5xx ${fiveXX}, rows changed ${rowsChanged}${changedTables.length ? ` (row counts changed in ${changedTables.join(', ')})` : ''}; sweep statuses ${Object.entries(
        sweep?.figures.statuses ?? {},
      )
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
      goal: fuzzGoal,
      met: ls.every((l) => l.met) && requests >= 10_000 && Boolean(sweep),
      figures: { requests, fiveXX, rowsChanged, changedTables, tests: ls.map((l) => l.figures) },
    });
  }
  return out;
}

function markdown(m, seconds, table, notes, runs, serial) {
  const met = table.filter((r) => r.met).length;
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  const out = [];
  out.push('## Reliability (`npm run soak`)', '');
  out.push(
    'Written by `npm run soak` (test/soak.mjs); machine-readable copy in `bench/soak.json`. Each proof is a Vitest test of the suite run at full size (`npm test` runs the same tests at quick sizes); each reports its own figures, checked against the server database and the tablets’ stores after the run.',
    '',
  );
  out.push(`- Date: ${m.date}`);
  out.push(
    `- Machine: nproc ${m.nproc}, ${m.cpu}, ${m.memoryGiB} GiB RAM; Node ${m.node}; ${m.chromium}`,
  );
  out.push(`- Code: ${m.commit}`);
  out.push(
    `- Whole soak: ${seconds.toFixed(0)} s (${(seconds / 60).toFixed(1)} min; limit 10 min: ${seconds < BUDGET_S ? 'met' : 'MISSED'}), ${serial ? 'one proof at a time' : 'two lanes in parallel (chaos sync SQLite, kill -9 PostgreSQL, fuzz, several processes | kill -9 SQLite, chaos sync PostgreSQL, field faults SQLite, field faults PostgreSQL, start-up race PostgreSQL, tab kill), each PostgreSQL proof in a scratch database of its own'}; per proof: ${runs.map((r) => `${r.id} ${r.seconds.toFixed(0)} s`).join(', ')}`,
  );
  out.push(
    `- Load average (1 min) at start / end: ${m.load.start} / ${m.load.end} on ${m.nproc} CPUs${m.load.start > m.nproc ? ' (the machine was already busy with other work when the soak started)' : ' (the end figure includes the soak’s own load)'}`,
    '',
  );
  out.push(`**Proofs: ${met} met, ${table.length - met} missed.**`, '');
  out.push(
    '| Proof | Database | Size actually run | Result | Goal | Met |',
    '|---|---|---|---|---|---|',
  );
  for (const r of table)
    out.push(
      `| ${esc(r.proof)} | ${esc(dbName(r.db))} | ${esc(r.size)} | ${esc(r.result)} | ${esc(r.goal)} | ${r.met ? 'met' : 'MISSED'} |`,
    );
  out.push('');
  for (const n of notes) out.push(`- ${n}`);
  out.push('');
  const missed = table.filter((r) => !r.met);
  out.push('### Proofs missed and what limits them', '');
  if (missed.length === 0) out.push('None in this run.');
  for (const r of missed)
    out.push(
      `- **${r.proof} (${dbName(r.db)})**: ${r.result}. See the proof's log under bench/tmp/soak-logs/.`,
    );
  out.push('');
  return out.join('\n');
}

/** Replace (or append) the "## Reliability…" section of RESULTS.md, up to the next "## " heading. */
function writeResultsSection(section) {
  const file = join(ROOT, 'bench/RESULTS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Telusur benchmark results\n';
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^## Reliability/.test(l));
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  const next = [
    ...lines.slice(0, start),
    ...section.trimEnd().split('\n'),
    '',
    ...lines.slice(end),
  ];
  writeFileSync(file, `${next.join('\n').trimEnd()}\n`);
}

// ---- main --------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const serial = argv.includes('--serial');
const wanted = argv.filter((a) => !a.startsWith('-'));
const known = new Set(PROOFS.flatMap((p) => [p.id, p.id.split('-')[0]]));
const unknown = wanted.filter((w) => !known.has(w));
if (unknown.length) {
  console.error(`unknown proof(s): ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  process.exit(2);
}

const m = machine();
const pgUp = await tcpReachable(PG_URL);
const chromium = existsSync(CHROMIUM);
// PostgreSQL only through each proof's scratch database (runProof); none by default.
const baseEnv = { ...process.env, TELUSUR_SOAK_REPORT: REPORT };
delete baseEnv.TELUSUR_PG_URL;

const selected = PROOFS.filter(
  (p) =>
    (wanted.length === 0 || wanted.includes(p.id) || wanted.includes(p.id.split('-')[0])) &&
    (p.needs !== 'postgres' || pgUp) &&
    (p.needs !== 'chromium' || chromium),
);
mkdirSync(LOGS, { recursive: true });
rmSync(REPORT, { force: true });
console.log(
  `Telusur soak — ${m.date} — nproc ${m.nproc}, Node ${m.node}, load ${m.load.start}; PostgreSQL ${pgUp ? `at ${new URL(PG_URL).host}, a scratch database per proof` : 'not reachable (SQLite only)'}; Chromium ${chromium ? 'yes' : 'no (tab kill skipped)'}`,
);
console.log(
  `proofs: ${selected.map((p) => p.id).join(', ')}${serial ? ' (serial)' : ' (two lanes)'}`,
);

const started = Date.now();
const runs = [];
const lane = async (ps) => {
  for (const p of ps) runs.push(await runProof(p, baseEnv));
};
if (serial) await lane(selected);
else await Promise.all([1, 2].map((n) => lane(selected.filter((p) => p.lane === n))));
const seconds = (Date.now() - started) / 1000;
m.load.end = Math.round(loadavg()[0] * 100) / 100;

const lines = existsSync(REPORT)
  ? readFileSync(REPORT, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
const dialects = pgUp ? ['sqlite', 'postgres'] : ['sqlite'];
const table = rows(lines, runs, { dialects, chromium }).filter(
  (r) => wanted.length === 0 || r.result !== 'not run',
);
const chaosPg = table.find((r) => r.proof === 'Chaos sync' && r.db === 'postgres');
const notes = [
  'Chaos sync: real tablet stores (fake-indexeddb) and the real SyncEngine with tus-js-client uploads, over HTTP through a fault-injecting proxy to the real server (@hono/node-server). Every three tablets share one unit (two of one verifier, one of another) and edit random indicators of it, so edits overlap and conflict; all tablets sync concurrently after every round of edits. Faults per request, 20 % in all: 5 % dropped before the server, 5 % connection reset part-way through the request body, 5 % answer lost after the server acted, 5 % sent to the server twice; another 20 % are delayed ≤ 40 ms (not counted as faults). The network is never healed: the final drain also runs at 20 % faults. Lost = a mutation neither applied (its change-log row), nor kept as a conflict, nor already held; duplicated = more than one change-log row for one (device, seq, field); hashes = every file the receipts list re-read from disk and its SHA-256 recomputed, and every tablet’s files on its receipt.',
  'Chaos sync memory (information, no goal): `process.memoryUsage()` of the Vitest worker the proof runs in, sampled every 250 ms from before the server listens until the final drain is over, then once more after a full garbage collection. The server (createApp on @hono/node-server) runs in that process together with the fault proxy and the tablets: their stores are fake-indexeddb, i.e. JavaScript objects in the same heap, and every tablet keeps its photos until the test ends. The tablets keep their photos as ArrayBuffers (outside the V8 heap, counted in RSS). So the figures bound the server from above, and "above start after GC" counts what the tablets still hold (all their edits, outboxes and conflicts) as well as anything the server leaked; a server leak would show as that figure growing out of proportion to the tablets’ data (e.g. between the two databases, or runs of different sizes). RSS seldom falls back after a peak: freed heap pages and malloc arenas are kept by the process for reuse.',
  !chaosPg
    ? 'Chaos sync on PostgreSQL: not run (PostgreSQL not reachable).'
    : CHAOS_PG_ROUNDS === CHAOS.TELUSUR_CHAOS_ROUNDS
      ? 'Chaos sync runs at full size on both databases.'
      : `Chaos sync on PostgreSQL ran at ${CHAOS_PG_ROUNDS} rounds instead of ${CHAOS.TELUSUR_CHAOS_ROUNDS} (TELUSUR_SOAK_CHAOS_PG_ROUNDS) to fit the time limit; the full 20 × 500 × 50 size ran on SQLite only.`,
  'Server kill -9: the real server process (`node --import tsx src/server/main.ts`, SQLite file in a temp DATA_DIR, or a fresh schema in the proof’s scratch PostgreSQL database) is SIGKILLed at random moments (up 2.5–7 s between kills) while one tablet edits, photographs (every 10th edit) and syncs continuously; restarted on the same data each time (≈ 3 s to start here, so kills are spaced to fit 1,000 pushes in the time budget). Acknowledged = every mutation up to the highest appliedThrough the server answered with 200.',
  'Several processes: the real server processes (`node --import tsx src/server/main.ts`) all started at the same moment on one empty PostgreSQL schema (start-up under a database lock), behind a small round-robin reverse proxy (test/helpers/round-robin-proxy.ts: each request to the next process, a refused connection skipped like nginx `proxy_next_upstream error`, no sticky sessions); verified evidence in an s3rver process (FILES_STORE=s3); tus uploads staged in one directory all processes share (s3rver lacks the multipart-listing calls the tus S3 store needs). Tablets of three verifiers share a unit; after every round all sync at once and free the photos their receipts confirm. Processes are SIGKILLed in turn during a round, at the moment a tus PATCH reaches the victim (held at the proxy until it is dead; 2 s at most without one), and restarted on the same port. Downloads: every file any receipt listed, fetched from every process directly (not through the proxy) and its SHA-256 recomputed.',
  'Tab kill: the real store (src/store, Dexie) in headless Chromium on an on-disk profile, edits acknowledged only when the store resolved them; the whole browser process group SIGKILLed at random moments (150–750 ms into each batch), reopened on the same profile, and every acknowledged edit checked.',
  'Fuzz: in-process requests to the app (createApp) on a seeded database. Rows changed: row counts of every table before and after each body-fuzzing test (failed-login records excepted: they are the rate limiter’s designed effect), and for the sweep every row of every table compared before and after (last-seen and session-expiry stamps excepted). Each sweep request is invalid where it counts: junk path parameters when the route has any, else a junk body (junk credentials for logout); reads also get junk queries and headers.',
];
const section = markdown(m, seconds, table, notes, runs, serial);
const json = {
  machine: m,
  seconds: Math.round(seconds),
  budgetSeconds: BUDGET_S,
  serial,
  runs,
  proofs: table,
  lines,
  markdown: section,
};
console.log('');
for (const r of table)
  console.log(`${r.met ? 'met   ' : 'MISSED'}  ${r.proof} [${dbName(r.db)}]: ${r.result}`);
console.log(`\nWhole soak: ${seconds.toFixed(0)} s (limit ${BUDGET_S} s)`);
if (wanted.length > 0) {
  writeFileSync(join(TMP, 'soak-partial.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log(
    'Partial run: wrote bench/tmp/soak-partial.json (RESULTS.md and soak.json untouched).',
  );
} else {
  writeFileSync(join(ROOT, 'bench/soak.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeResultsSection(section);
  console.log('Wrote bench/soak.json and the Reliability section of bench/RESULTS.md.');
}
if (table.some((r) => !r.met) || runs.some((r) => r.exit !== 0) || seconds >= BUDGET_S)
  process.exitCode = 1;
