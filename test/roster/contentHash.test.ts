// The roster's repeat check hashes every identity field of a student: spelled out for speed, it
// must stay the same function as a loop over IDENTITY_FIELD_NAMES (and notice a field added later).
import { describe, expect, it } from 'vitest';
import { IDENTITY_FIELD_NAMES, type Student } from '../../src/model/record.js';
import { contentHash, identityKey } from '../../src/roster/readRoster.js';

/** The definition: FNV-1a over each field's text, "" for null, each followed by a 0x1 separator. */
function referenceHash(s: Student): number {
  let h = 0x811c9dc5;
  for (const f of IDENTITY_FIELD_NAMES) {
    const v: unknown = s[f];
    const text = typeof v === 'string' ? v : v == null ? '' : String(v);
    for (let j = 0; j < text.length; j++) h = Math.imul(h ^ text.charCodeAt(j), 0x01000193);
    h = Math.imul(h ^ 0x1, 0x01000193);
  }
  return h >>> 0;
}

const full: Student = {
  studentId: 'G110101200801011234', idCardNumber: '110101200801011234', name: '张三', sex: '1', birthDate: '2008-01-01',
  ethnicityCode: '01', address: '北京市东城区', schoolName: '第一小学', gradeCode: '11', gradeName: '一年级', classCode: '01', className: '1班',
};

describe('contentHash', () => {
  it('is the FNV-1a of every identity field in IDENTITY_FIELD_NAMES order', () => {
    const empty = Object.fromEntries(IDENTITY_FIELD_NAMES.map((f) => [f, null])) as Student;
    expect(contentHash(full)).toBe(referenceHash(full));
    expect(contentHash(empty)).toBe(referenceHash(empty));
    // Each field on its own, and moved to its neighbour: order and every field count.
    for (const [i, f] of IDENTITY_FIELD_NAMES.entries()) {
      const one = { ...empty, [f]: 'x' } as Student;
      expect(contentHash(one), f).toBe(referenceHash(one));
      const next = IDENTITY_FIELD_NAMES[(i + 1) % IDENTITY_FIELD_NAMES.length]!;
      expect(contentHash(one), f).not.toBe(contentHash({ ...empty, [next]: 'x' } as Student));
    }
  });

  it('differs where identityKey differs and agrees where it agrees', () => {
    const other = { ...full, className: '2班' };
    expect(identityKey(other)).not.toBe(identityKey(full));
    expect(contentHash(other)).not.toBe(contentHash(full));
    expect(contentHash({ ...full })).toBe(contentHash(full));
    // A null and an empty text are the same, as in identityKey.
    expect(contentHash({ ...full, address: '' })).toBe(contentHash({ ...full, address: null }));
    expect(identityKey({ ...full, address: '' })).toBe(identityKey({ ...full, address: null }));
  });
});
