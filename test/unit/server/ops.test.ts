import { describe, expect, it } from 'vitest';
import { oneLine, redact } from '../../../src/server/ops/errors';
import { exactPattern, libpqEnv } from '../../../src/server/ops/pg-tools';

describe('libpqEnv', () => {
  it('passes the connection of a DATABASE_URL to pg_dump through its environment', () => {
    expect(
      libpqEnv('postgres://telusur:s%40ndi%3Arahasia@db.pemda.go.id:6543/telusur?sslmode=require'),
    ).toEqual({
      PGHOST: 'db.pemda.go.id',
      PGPORT: '6543',
      PGUSER: 'telusur',
      PGPASSWORD: 's@ndi:rahasia',
      PGDATABASE: 'telusur',
      PGSSLMODE: 'require',
    });
  });

  it('takes a Unix socket folder from ?host=, and leaves out what libpq would not read', () => {
    expect(
      libpqEnv(
        'postgres://telusur@localhost/telusur?host=/var/run/postgresql&options=-c%20search_path%3Dx',
      ),
    ).toEqual({ PGHOST: '/var/run/postgresql', PGUSER: 'telusur', PGDATABASE: 'telusur' });
  });

  it('refuses a URL it cannot read, without repeating it', () => {
    expect(() => libpqEnv('postgres://u:pw@/db')).toThrow(/cannot be parsed$/);
  });
});

describe('pg_dump patterns and messages', () => {
  it('quote a schema name so it matches only itself', () => {
    expect(exactPattern('public')).toBe('"public"');
    expect(exactPattern('a"b*')).toBe('"a""b*"');
  });

  it('never carry a password', () => {
    expect(redact('connect postgres://telusur:rahasia@db/telusur failed')).toBe(
      'connect postgres://telusur:***@db/telusur failed',
    );
    expect(redact('password=rahasia host=db')).toBe('password=*** host=db');
    expect(oneLine(new Error('\nfirst postgres://u:p@h/d\nsecond'))).toBe(
      'first postgres://u:***@h/d',
    );
  });
});
