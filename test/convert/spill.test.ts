import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../src/convert/duplicates.js';
import { cleanCells, MergedSpills, Spill } from '../../src/convert/spill.js';

type Obj = { rowNumber: number; note: string };
/** A read-back item with a clean row's bytes turned into what they hold (they are only valid until the next item). */
type Read =
  | { clean: true; row: { rowNumber: number; studentId: string; cells: string[]; bytes: string } }
  | { clean: false; row: Obj };

function roundTrip(fill: (s: Spill<Obj>) => void): Read[] {
  const s = new Spill<Obj>();
  try {
    fill(s);
    const out: Read[] = [];
    for (const item of s.items()) {
      if (!item.clean) out.push(item);
      else {
        const { rowNumber, studentId, bytes, start, end } = item.row;
        out.push({ clean: true, row: { rowNumber, studentId, cells: cleanCells(item.row), bytes: bytes.toString('utf8', start, end) } });
      }
    }
    return out;
  } finally {
    s.dispose();
  }
}

/** A clean row, or its JSON form when the spill refuses it (as pass 1 does). */
function pushClean(s: Spill<Obj>, rowNumber: number, studentId: string, cells: string[], asJson: () => Obj): void {
  if (!s.tryPushClean(rowNumber, studentId, cells)) s.push(asJson());
}

describe('Spill', () => {
  it('gives back clean rows and JSON rows in order, with empty cells and Chinese intact', () => {
    const out = roundTrip((s) => {
      pushClean(s, 2, 'G110101201001011234', ['张三', '', '5.0', '-1.25'], () => ({ rowNumber: 2, note: 'json' }));
      s.push({ rowNumber: 3, note: '李四\n第二行' });
      pushClean(s, 4, 'L1', ['', ''], () => ({ rowNumber: 4, note: 'json' }));
    });
    expect(out).toEqual([
      { clean: true, row: { rowNumber: 2, studentId: 'G110101201001011234', cells: ['张三', '', '5.0', '-1.25'], bytes: '张三\u0001\u00015.0\u0001-1.25' } },
      { clean: false, row: { rowNumber: 3, note: '李四\n第二行' } },
      { clean: true, row: { rowNumber: 4, studentId: 'L1', cells: ['', ''], bytes: '\u0001' } },
    ]);
  });

  it('writes a clean row byte for byte as the joined line it stands for', () => {
    const s = new Spill<Obj>();
    try {
      const rows: [number, string, string[]][] = [
        [1234567, 'G110101201001011234', ['张三', '', 'abc\u007f', 'Zoë 𠮷', 'x\ud800y', '5.0']],
        [9, 'L1', ['']],
        [10, '学籍', ['a', 'é']],
      ];
      for (const [n, id, cells] of rows) expect(s.tryPushClean(n, id, cells)).toBe(true);
      const items = [...s.items()].map((i) => (i.clean ? i.row.bytes.toString('hex', i.row.start, i.row.end) : 'json'));
      expect(items).toEqual(rows.map(([, , cells]) => Buffer.from(cells.join('\u0001')).toString('hex')));
    } finally {
      s.dispose();
    }
  });

  it('refuses a row whose texts cannot be split, leaving nothing of it behind', () => {
    const s = new Spill<Obj>();
    try {
      expect(s.tryPushClean(2, 'G1', ['ok', '张\n三'])).toBe(false);
      expect(s.tryPushClean(3, 'G2', ['ok', 'a\u0001'])).toBe(false);
      expect(s.tryPushClean(4, '学\u0001', ['ok'])).toBe(false);
      expect(s.tryPushClean(5, 'G3', [])).toBe(false);
      expect(s.tryPushClean(6, 'G4', ['张', 'b'])).toBe(true);
      expect(s.count).toBe(1);
      const items = [...s.items()];
      expect(items).toHaveLength(1);
      expect(items[0]!.clean && [items[0]!.row.rowNumber, items[0]!.row.studentId, cleanCells(items[0]!.row)]).toEqual([6, 'G4', ['张', 'b']]);
      // The 学籍号's own bytes, for looking it up without a string.
      const line = items[0]!.clean ? items[0]!.row : undefined;
      expect(line?.bytes.toString('utf8', line.idStart, line.idEnd)).toBe('G4');
    } finally {
      s.dispose();
    }
  });

  it('parks a clean row whose text holds the separator or a line break as JSON instead', () => {
    const out = roundTrip((s) => {
      pushClean(s, 5, 'G1', ['a\u0001b'], () => ({ rowNumber: 5, note: 'sep' }));
      pushClean(s, 6, 'G2', ['a\nb'], () => ({ rowNumber: 6, note: 'newline' }));
      pushClean(s, 7, 'G3\u0001', ['x'], () => ({ rowNumber: 7, note: 'id' }));
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
        else pushClean(s, i, `G${i}`, [names[i % 4]!.repeat(5), String(i % 50), ''], () => ({ rowNumber: i, note: 'x' }));
      }
    });
    expect(out).toHaveLength(200_000);
    for (let i = 0; i < 200_000; i++) {
      const r = out[i]!;
      if (i % 1000 === 7) expect(r).toEqual({ clean: false, row: { rowNumber: i, note: names[i % 4]!.repeat(i % 13) } });
      else if (!r.clean || r.row.rowNumber !== i || r.row.studentId !== `G${i}` || r.row.bytes !== `${names[i % 4]!.repeat(5)}\u0001${i % 50}\u0001`) {
        throw new Error(`row ${i} came back as ${JSON.stringify(r)}`);
      }
    }
  });

  it('reads back lines longer than a read chunk, and the lines around them', () => {
    const big = '长'.repeat(3 << 20); // 9 MiB of UTF-8: longer than two 4 MiB read chunks
    const out = roundTrip((s) => {
      pushClean(s, 2, 'G1', ['a'], () => ({ rowNumber: 2, note: 'x' }));
      pushClean(s, 3, 'G2', ['b', big, 'c'], () => ({ rowNumber: 3, note: 'x' }));
      s.push({ rowNumber: 4, note: big });
      pushClean(s, 5, 'G3', ['d'], () => ({ rowNumber: 5, note: 'x' }));
    });
    expect(out.map((r) => r.row.rowNumber)).toEqual([2, 3, 4, 5]);
    expect(out[1]).toEqual({ clean: true, row: { rowNumber: 3, studentId: 'G2', cells: ['b', big, 'c'], bytes: `b\u0001${big}\u0001c` } });
    expect(out[2]).toEqual({ clean: false, row: { rowNumber: 4, note: big } });
    expect(out[3]).toMatchObject({ clean: true, row: { studentId: 'G3', cells: ['d'] } });
  });
});

describe('MergedSpills', () => {
  it('reads two spills handed over from another thread as one, in row order, and removes both files', () => {
    const mine = new Spill<Obj>();
    const theirs = new Spill<Obj>();
    // Alternate blocks of two rows; clean rows' bytes must stay valid while the other spill's head waits.
    for (const n of [2, 3, 6, 7, 10]) pushClean(mine, n, `A${n}`, [`a${n}`, '张'], () => ({ rowNumber: n, note: 'json' }));
    mine.push({ rowNumber: 11, note: 'mine' });
    theirs.push({ rowNumber: 4, note: 'theirs' });
    for (const n of [5, 8, 9]) pushClean(theirs, n, `B${n}`, [`b${n}`], () => ({ rowNumber: n, note: 'json' }));
    const handed = theirs.handOver();
    const merged = new MergedSpills(mine, new Spill<Obj>(handed));
    expect(merged.count).toBe(10);
    const order: string[] = [];
    for (const item of merged.items()) order.push(item.clean ? `${item.row.rowNumber}:${cleanCells(item.row).join('|')}` : `${item.row.rowNumber}:${item.row.note}`);
    expect(order).toEqual(['2:a2|张', '3:a3|张', '4:theirs', '5:b5', '6:a6|张', '7:a7|张', '8:b8', '9:b9', '10:a10|张', '11:mine']);
    merged.dispose();
    expect(existsSync(handed.path)).toBe(false);
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
