import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDbPath } from '../../src/db/path.js';

describe('resolveDbPath', () => {
  it('prefers --db, then SHILI_DB, then ./shili.db, always absolute', () => {
    expect(resolveDbPath('/data/a.db', { SHILI_DB: '/env/b.db' })).toBe('/data/a.db');
    expect(resolveDbPath(undefined, { SHILI_DB: '/env/b.db' })).toBe('/env/b.db');
    expect(resolveDbPath(undefined, {})).toBe(path.resolve('shili.db'));
    expect(resolveDbPath('rel/x.db', {})).toBe(path.resolve('rel/x.db'));
  });

  it('treats empty values as not given', () => {
    expect(resolveDbPath('', { SHILI_DB: ' ' })).toBe(path.resolve('shili.db'));
  });
});
