import { describe, expect, it } from 'vitest';
import { contentHash } from '../../src/convert/duplicates.js';
import { Spill, type SpilledRow } from '../../src/convert/spill.js';

type Obj = { rowNumber: number; note: string };

function roundTrip(fill: (s: Spill<Obj>) => void): SpilledRow<Obj>[] {
  const s = new Spill<Obj>();
  try {
    fill(s);
    return [...s.items()];
  } finally {
    s.dispose();
  }
}

describe('Spill', () => {
  it('gives back clean rows and JSON rows in order, with empty cells and Chinese intact', () => {
    const out = roundTrip((s) => {
      s.pushClean(2, 'G110101201001011234', ['张三', '', '5.0', '-1.25'], () => ({ rowNumber: 2, note: 'json' }));
      s.push({ rowNumber: 3, note: '李四\n第二行' });
      s.pushClean(4, 'L1', ['', ''], () => ({ rowNumber: 4, note: 'json' }));
    });
    expect(out).toEqual([
      { clean: true, row: { rowNumber: 2, studentId: 'G110101201001011234', cells: ['张三', '', '5.0', '-1.25'] } },
      { clean: false, row: { rowNumber: 3, note: '李四\n第二行' } },
      { clean: true, row: { rowNumber: 4, studentId: 'L1', cells: ['', ''] } },
    ]);
  });

  it('parks a clean row whose text holds the separator or a line break as JSON instead', () => {
    const out = roundTrip((s) => {
      s.pushClean(5, 'G1', ['a\u0001b'], () => ({ rowNumber: 5, note: 'sep' }));
      s.pushClean(6, 'G2', ['a\nb'], () => ({ rowNumber: 6, note: 'newline' }));
      s.pushClean(7, 'G3\u0001', ['x'], () => ({ rowNumber: 7, note: 'id' }));
    });
    expect(out).toEqual([
      { clean: false, row: { rowNumber: 5, note: 'sep' } },
      { clean: false, row: { rowNumber: 6, note: 'newline' } },
      { clean: false, row: { rowNumber: 7, note: 'id' } },
    ]);
  });

  it('reads back 200,000 rows across several 4 MiB read chunks, Chinese split at chunk edges included', () => {
    const names = ['王小明', '欧阳娜娜', 'Zoë', '𠮷野家'];
    const out = roundTrip((s) => {
      for (let i = 0; i < 200_000; i++) {
        if (i % 1000 === 7) s.push({ rowNumber: i, note: names[i % 4]!.repeat(i % 13) });
        else s.pushClean(i, `G${i}`, [names[i % 4]!.repeat(5), String(i % 50), ''], () => ({ rowNumber: i, note: 'x' }));
      }
    });
    expect(out).toHaveLength(200_000);
    for (let i = 0; i < 200_000; i++) {
      const r = out[i]!;
      if (i % 1000 === 7) expect(r).toEqual({ clean: false, row: { rowNumber: i, note: names[i % 4]!.repeat(i % 13) } });
      else if (!r.clean || r.row.rowNumber !== i || r.row.cells[0] !== names[i % 4]!.repeat(5) || r.row.cells[1] !== String(i % 50)) {
        throw new Error(`row ${i} came back as ${JSON.stringify(r)}`);
      }
    }
  });
});

describe('contentHash', () => {
  it('is equal for equal rows and differs by value, type, order and prefix', () => {
    const base = contentHash(['G1', '张三', 5, -1.25, null, true], '2025-09-15');
    expect(contentHash(['G1', '张三', 5, -1.25, null, true], '2025-09-15')).toBe(base);
    const others = [
      contentHash(['G1', '张三', 5, -1.5, null, true], '2025-09-15'),
      contentHash(['G1', '张三', '5', -1.25, null, true], '2025-09-15'),
      contentHash(['G1', '张三', 5, -1.25, '', true], '2025-09-15'),
      contentHash(['G1', '张三', 5, -1.25, null, false], '2025-09-15'),
      contentHash(['张三', 'G1', 5, -1.25, null, true], '2025-09-15'),
      contentHash(['G1张三', '', 5, -1.25, null, true], '2025-09-15'),
      contentHash(['G1', '张三', 5, -1.25, null, true], '2025-09-16'),
    ];
    for (const h of others) expect(h).not.toBe(base);
    expect(new Set(others).size).toBe(others.length);
  });
});
