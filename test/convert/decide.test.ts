import { describe, expect, it } from 'vitest';
import { decide, type ClassifiedRow } from '../../src/convert/classify.js';
import { DuplicateTracker, hash53 } from '../../src/convert/duplicates.js';
import { explain, primaryReason } from '../../src/convert/reasons.js';
import type { Student } from '../../src/model/record.js';

const student = { studentId: 'G110101201501010016', name: '张三' } as Student;

function row(n: number, over: Partial<ClassifiedRow> = {}): ClassifiedRow {
  return {
    rowNumber: n,
    values: {},
    raw: {},
    examDate: '2025-09-15',
    valueReasons: [],
    idState: 'ok',
    idDetail: '',
    studentId: 'G110101201501010016',
    inRoster: true,
    identity: { kind: 'none' },
    dupKey: 'G110101201501010016',
    contentHash: 1,
    damagedDigits: null,
    ...over,
  };
}

function tracked(rows: ClassifiedRow[]): DuplicateTracker {
  const t = new DuplicateTracker();
  for (const r of rows) if (r.dupKey) t.see(r.dupKey, r.contentHash, r.rowNumber);
  return t;
}

describe('decide', () => {
  it('sends a roster row to tier 1 and an identity match to tier 2', () => {
    const a = row(2);
    const b = row(3, { studentId: 'G999', inRoster: false, identity: { kind: 'unique', studentId: student.studentId!, student }, dupKey: 'X' });
    const t = tracked([a, b]);
    expect(decide(a, t)).toEqual({ tier: 1 });
    expect(decide(b, t)).toEqual({ tier: 2, studentId: student.studentId });
  });

  it('never uploads a row with a bad value, whatever its match', () => {
    const r = row(2, { valueReasons: [{ code: 'INVALID_VALUE', detail: '单元格 J2（右眼裸眼视力）：6.1 超出范围' }] });
    const d = decide(r, tracked([r]));
    expect(d.tier).toBe(3);
    if (d.tier === 3) expect(d.reasons.map((x) => x.code)).toEqual(['INVALID_VALUE']);
  });

  it('merges identical duplicates and sends every row of a conflicting one to tier 3', () => {
    const same = [row(2), row(5)];
    const t1 = tracked(same);
    expect(decide(same[0]!, t1)).toEqual({ tier: 1 });
    expect(decide(same[1]!, t1)).toEqual({ tier: 'merged' });

    const conflict = [row(2), row(5), row(9, { contentHash: 2 })];
    const t2 = tracked(conflict);
    for (const r of conflict) {
      const d = decide(r, t2);
      expect(d.tier).toBe(3);
      if (d.tier === 3) {
        expect(d.reasons[0]!.code).toBe('DUPLICATE_CONFLICT');
        expect(d.reasons[0]!.detail).toContain('第 2、5、9 行');
      }
    }
  });

  it('names the id problem when nothing in the roster fits', () => {
    const cases: [Partial<ClassifiedRow>, string][] = [
      [{ inRoster: false }, 'NOT_IN_ROSTER'],
      [{ inRoster: false, idState: 'damaged', studentId: null, dupKey: null }, 'ID_DAMAGED'],
      [{ inRoster: false, idState: 'invalid', studentId: null, dupKey: null }, 'ID_INVALID'],
      [{ inRoster: false, identity: { kind: 'ambiguous', count: 2 } }, 'AMBIGUOUS'],
    ];
    for (const [over, code] of cases) {
      const r = row(2, over);
      const d = decide(r, tracked([r]));
      expect(d.tier === 3 && d.reasons[0]!.code).toBe(code);
    }
  });
});

describe('reasons', () => {
  it('puts value problems before id problems and says what to do', () => {
    const reasons = [
      { code: 'NOT_IN_ROSTER' as const, detail: '学籍号 G1 不在名单中' },
      { code: 'INVALID_VALUE' as const, detail: '单元格 K2（左眼裸眼视力）：6.1 超出范围' },
    ];
    expect(primaryReason(reasons).code).toBe('INVALID_VALUE');
    expect(explain(reasons)).toBe('单元格 K2（左眼裸眼视力）：6.1 超出范围；学籍号 G1 不在名单中。请在原文件中改正该单元格后重新转换。');
  });

  it('hash53 tells different strings apart and is stable', () => {
    expect(hash53('a\u0001b')).toBe(hash53('a\u0001b'));
    expect(hash53('a\u0001b')).not.toBe(hash53('a\u0001c'));
  });
});

describe('DuplicateTracker', () => {
  it('keeps working past many resizes and finds repeats among 100,000 keys', () => {
    const t = new DuplicateTracker();
    for (let i = 1; i <= 100_000; i++) expect(t.see(`G${i}`, 7, i)).toBe('first');
    expect(t.see('G500', 7, 100_001)).toBe('identical');
    expect(t.see('G900', 8, 100_002)).toBe('conflict');
    expect(t.isFirst('G500', 500)).toBe(true);
    expect(t.isFirst('G500', 100_001)).toBe(false);
    expect(t.isConflict('G900')).toBe(true);
    expect(t.isConflict('G500')).toBe(false);
    expect(t.rowsOf('G900')).toEqual([900, 100_002]);
    expect(t.rowsOf('nope')).toEqual([]);
  });

  it('merges two trackers of alternate blocks of rows into what one tracker of every row holds', () => {
    // Keys repeat often, with the same or different content, across and within blocks; tables grow.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    for (const [rows, keys, blockRows] of [
      [3000, 400, 7],
      [20_000, 15_000, 256],
    ] as const) {
      const seen = Array.from({ length: rows }, (_, i) => ({ key: `G${rand(keys)}`, hash: rand(3), row: i + 2 }));
      const one = new DuplicateTracker();
      const parts = [new DuplicateTracker(), new DuplicateTracker()];
      for (const s of seen) {
        one.see(s.key, s.hash, s.row);
        parts[Math.floor(s.row / blockRows) % 2]!.see(s.key, s.hash, s.row);
      }
      const merged = parts[0]!;
      merged.merge(parts[1]!.export());
      let conflicts = 0;
      for (let k = 0; k < keys + 5; k++) {
        const key = `G${k}`;
        expect(merged.rowsOf(key)).toEqual(one.rowsOf(key));
        expect(merged.isConflict(key)).toBe(one.isConflict(key));
        if (one.isConflict(key)) conflicts++;
        for (const row of one.rowsOf(key)) expect(merged.isFirst(key, row)).toBe(one.isFirst(key, row));
      }
      // The case that matters is there: keys whose rows agree within each block but not across.
      expect(conflicts).toBeGreaterThan(0);
    }
    // Same content within each tracker, different across: a conflict only the merge can see.
    const a = new DuplicateTracker();
    const b = new DuplicateTracker();
    a.see('G1', 5, 2);
    a.see('G1', 5, 3);
    b.see('G1', 6, 300);
    b.see('G2', 6, 301);
    a.merge(b.export());
    expect(a.isConflict('G1')).toBe(true);
    expect(a.rowsOf('G1')).toEqual([2, 3, 300]);
    expect(a.isConflict('G2')).toBe(false);
    expect(a.isFirst('G2', 301)).toBe(true);
  });

  it('answers occurrenceAt for a key given as UTF-8 bytes inside a larger buffer as isConflict and isFirst do', () => {
    const t = new DuplicateTracker();
    const keys = ['G110101201001011234', 'L1', '学籍号7', 'G𠮷2', 'G2', 'G3'];
    keys.forEach((k, i) => t.see(k, 7, i + 1));
    t.see('G2', 7, 20); // identical repeat
    t.see('G3', 8, 21); // conflicting repeat
    t.see('学籍号7', 9, 22); // conflicting repeat of a non-ASCII key
    const at = (key: string, row: number) => {
      const bytes = Buffer.from(`9\u0001${key}\u0001cells`);
      const start = 2;
      return t.occurrenceAt(bytes, start, start + Buffer.byteLength(key), row);
    };
    expect(at('G110101201001011234', 1)).toBe('first');
    expect(at('G110101201001011234', 2)).toBe('identical');
    expect(at('L1', 2)).toBe('first');
    expect(at('G𠮷2', 4)).toBe('first');
    expect(at('G2', 5)).toBe('first');
    expect(at('G2', 20)).toBe('identical');
    expect(at('G3', 6)).toBe('conflict');
    expect(at('G3', 21)).toBe('conflict');
    expect(at('学籍号7', 3)).toBe('conflict');
    expect(at('G4', 7)).toBe('identical');
    for (const [k, row] of [['G2', 5], ['G2', 20], ['G3', 6], ['L1', 2], ['G𠮷2', 4]] as const) {
      const expected = t.isConflict(k) ? 'conflict' : t.isFirst(k, row) ? 'first' : 'identical';
      expect(at(k, row)).toBe(expected);
    }
  });
});
