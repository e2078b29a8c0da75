import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Row } from '../../src/io/table.js';
import { mapRow } from '../../src/read/mapRow.js';
import type { MappedColumn } from '../../src/templates/headerMatch.js';
import type { ColumnSpec } from '../../src/templates/spec.js';

const col = (index: number, field: string, type: ColumnSpec['type']): MappedColumn => ({
  index,
  spec: { field, header: field, aliases: [], type, required: false } as ColumnSpec,
  headerText: field,
  cell: 'A1',
});

const row = (rowNumber: number, cells: Row['cells']): Row => ({ rowNumber, cells });

afterEach(() => vi.useRealTimers());

describe('mapRow', () => {
  it('maps values by column and names the cell of each problem', () => {
    const cols = [col(0, 'rightUcva', 'acuity'), col(1, 'rightSphere', 'dioptre'), col(2, 'sex', 'sex')];
    for (let r = 2; r < 6000; r++) {
      const m = mapRow(row(r, [{ t: 's', v: '5.0' }, { t: 'n', v: -1.25 }, { t: 's', v: r % 2 ? '男' : '女' }]), cols);
      expect(m.values).toEqual({ rightUcva: 5, rightSphere: -1.25, sex: r % 2 ? '1' : '2' });
      expect(m.problems).toEqual([]);
    }
    for (const r of [7000, 7001]) {
      const m = mapRow(row(r, [{ t: 's', v: '9.9' }, { t: 's', v: '-1.25' }]), cols);
      expect(m.values.rightUcva).toBeNull();
      expect(m.problems).toMatchObject([{ field: 'rightUcva', cell: `A${r}`, code: 'INVALID_VALUE', text: '9.9' }]);
    }
  });

  it('judges dates against the day it is, as a night run past midnight must', () => {
    const cols = [col(0, 'birthDate', 'date')];
    const tomorrow = { t: 's' as const, v: '2026-11-25' };
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 10, 24, 23, 59, 0));
    // A birth date in the future is refused today...
    for (let i = 0; i < 10; i++) expect(mapRow(row(i + 2, [tomorrow]), cols).problems).toHaveLength(1);
    vi.setSystemTime(new Date(2026, 10, 25, 0, 1, 0));
    // ...and accepted from the first cell after midnight.
    const m = mapRow(row(20, [tomorrow]), cols);
    expect(m.problems).toEqual([]);
    expect(m.values.birthDate).toBe('2026-11-25');
  });
});
