import type { Migration } from 'kysely';
import * as m0300 from './2026_11_28_0300_accounts_and_devices';
import * as m0310 from './2026_11_28_0310_instruments_units_periods';
import * as m0320 from './2026_11_28_0320_assessments_assignments';
import * as s0100 from './2026_11_29_0100_sync_record_store';
import * as r0100 from './2026_12_02_0100_reporting_indexes';
import * as x0100 from './2026_12_03_0100_sync_rejections';
import * as x0200 from './2026_12_03_0200_device_identities';
import * as x0300 from './2026_12_03_0300_file_holders_uploads_attempts';
import * as c0100 from './2026_12_05_0100_clock_checks';
import * as p0100 from './2026_12_06_0100_plan_step_cap_decimal_levels';
import * as p0200 from './2026_12_06_0200_period_photo_stamp';
import * as o0200 from './2026_12_07_0200_organisation';
import * as i0500 from './2026_12_07_0500_server_incarnations';
import * as w0100 from './2026_12_08_0100_period_workflow';
import * as w0500 from './2026_12_08_0500_official_results';
import * as a0100 from './2026_12_09_0100_improvement_actions';
import * as v0100 from './2026_12_10_0100_reporting_version';
import * as u0100 from './2026_12_11_0100_unit_code_case_insensitive';

/**
 * Every migration, by name. Imported statically (no directory scan) so the list is the
 * same under tsx, a bundler or a compiled build. Append new entries; names are
 * `YYYY_MM_DD_HHMM_slug` and must sort after every released one (Kysely's Migrator
 * refuses out-of-order additions).
 */
export const MIGRATIONS: Record<string, Migration> = {
  '2026_11_28_0300_accounts_and_devices': m0300,
  '2026_11_28_0310_instruments_units_periods': m0310,
  '2026_11_28_0320_assessments_assignments': m0320,
  '2026_11_29_0100_sync_record_store': s0100,
  '2026_12_02_0100_reporting_indexes': r0100,
  '2026_12_03_0100_sync_rejections': x0100,
  '2026_12_03_0200_device_identities': x0200,
  '2026_12_03_0300_file_holders_uploads_attempts': x0300,
  '2026_12_05_0100_clock_checks': c0100,
  '2026_12_06_0100_plan_step_cap_decimal_levels': p0100,
  '2026_12_06_0200_period_photo_stamp': p0200,
  '2026_12_07_0200_organisation': o0200,
  '2026_12_07_0500_server_incarnations': i0500,
  '2026_12_08_0100_period_workflow': w0100,
  '2026_12_08_0500_official_results': w0500,
  '2026_12_09_0100_improvement_actions': a0100,
  '2026_12_10_0100_reporting_version': v0100,
  '2026_12_11_0100_unit_code_case_insensitive': u0100,
};
