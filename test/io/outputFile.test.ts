import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOutputFolder, makeOutputFolder, OutputSet, safeFileStem, toWriteError } from '../../src/io/outputFile.js';
import { XlsxWriter } from '../../src/io/xlsx/writer.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shili-out-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('OutputSet', () => {
  it('writes to a hidden temp in the same folder and shows the final name only after commit', async () => {
    const set = new OutputSet({ force: false });
    const a = join(dir, '一班.xlsx');
    const b = join(dir, 'summary.csv');
    const ta = set.plan(a);
    const tb = set.plan(b);
    expect(dirname(ta)).toBe(dir);
    expect(basename(ta)).toMatch(new RegExp(`^\\.一班\\.xlsx\\.shili-${process.pid}-[0-9a-f]+\\.tmp$`));
    writeFileSync(ta, 'A');
    writeFileSync(tb, 'B');
    expect(existsSync(a)).toBe(false);
    expect(await set.commit()).toEqual([a, b]);
    expect(readFileSync(a, 'utf8')).toBe('A');
    expect(readdirSync(dir).sort()).toEqual(['summary.csv', '一班.xlsx'].sort());
  });

  it('refuses an existing output without force, naming the file and the fix', () => {
    const a = join(dir, 'out.xlsx');
    writeFileSync(a, 'old');
    const set = new OutputSet({ force: false });
    expect(() => set.plan(a)).toThrow(expect.objectContaining({ code: 'OUTPUT_EXISTS', exitCode: 1 }));
    try {
      set.plan(a);
    } catch (err) {
      expect((err as Error).message).toContain(a);
      expect((err as { hint: string }).hint).toContain('--force');
      expect((err as { hint: string }).hint).toContain('--out');
    }
  });

  it('fails at commit instead of overwriting a file that appeared meanwhile', async () => {
    const a = join(dir, 'race.xlsx');
    const set = new OutputSet({ force: false });
    const t = set.plan(a);
    writeFileSync(t, 'new');
    writeFileSync(a, 'someone else');
    await expect(set.commit()).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(readFileSync(a, 'utf8')).toBe('someone else');
    expect(readdirSync(dir)).toEqual(['race.xlsx']);
  });

  it('overwrites with force', async () => {
    const a = join(dir, 'out.xlsx');
    writeFileSync(a, 'old');
    const set = new OutputSet({ force: true });
    writeFileSync(set.plan(a), 'new');
    expect(readFileSync(a, 'utf8')).toBe('old');
    await set.commit();
    expect(readFileSync(a, 'utf8')).toBe('new');
  });

  it('abort removes every temp and leaves existing files alone', async () => {
    const a = join(dir, 'keep.xlsx');
    writeFileSync(a, 'old');
    const set = new OutputSet({ force: true });
    writeFileSync(set.plan(a), 'half');
    set.plan(join(dir, 'never-written.csv'));
    await set.abort();
    await set.abort();
    expect(readdirSync(dir)).toEqual(['keep.xlsx']);
    expect(readFileSync(a, 'utf8')).toBe('old');
  });

  it('never lets an output be an input, also through a symlink, a hard link or with force', () => {
    const input = join(dir, 'input.xlsx');
    writeFileSync(input, 'data');
    const set = new OutputSet({ force: true });
    expect(() => set.plan(input, [input])).toThrow(expect.objectContaining({ code: 'OUTPUT_IS_INPUT' }));
    expect(() => set.plan(join(dir, '.', 'input.xlsx'), [join(dir, 'input.xlsx')])).toThrow(
      expect.objectContaining({ code: 'OUTPUT_IS_INPUT' }),
    );
    if (process.platform !== 'win32') {
      symlinkSync(input, join(dir, 'alias.xlsx'));
      expect(() => set.plan(join(dir, 'alias.xlsx'), [input])).toThrow(expect.objectContaining({ code: 'OUTPUT_IS_INPUT' }));
      linkSync(input, join(dir, 'hard.xlsx'));
      expect(() => set.plan(join(dir, 'hard.xlsx'), [input])).toThrow(expect.objectContaining({ code: 'OUTPUT_IS_INPUT' }));
    }
    expect(() => set.plan(join(dir, 'other.xlsx'), [input])).not.toThrow();
  });

  it('refuses a missing folder, a folder as output and the same output twice', () => {
    const set = new OutputSet({ force: true });
    expect(() => set.plan(join(dir, 'nope', 'a.xlsx'))).toThrow(expect.objectContaining({ code: 'OUTPUT_DIR_MISSING' }));
    mkdirSync(join(dir, 'sub'));
    expect(() => set.plan(join(dir, 'sub'))).toThrow(expect.objectContaining({ code: 'OUTPUT_IS_DIR' }));
    set.plan(join(dir, 'a.xlsx'));
    expect(() => set.plan(join(dir, 'a.xlsx'))).toThrow(expect.objectContaining({ code: 'OUTPUT_DUPLICATE' }));
  });

  it('keeps temp names within the file name limit', () => {
    const set = new OutputSet({ force: false });
    const t = set.plan(join(dir, `${'视'.repeat(80)}.xlsx`));
    expect(Buffer.byteLength(basename(t))).toBeLessThanOrEqual(255);
  });

  it('works with XlsxWriter: the final name appears complete, with mode 0600', async () => {
    const set = new OutputSet({ force: false });
    const final = join(dir, 'book.xlsx');
    const w = await XlsxWriter.create(set.plan(final), { mode: set.mode });
    await w.startSheet({ name: 'S', columns: [{ header: 'a' }] });
    w.writeRow(['1']);
    await w.close();
    expect(existsSync(final)).toBe(false);
    await set.commit();
    expect(readFileSync(final).subarray(0, 2).toString()).toBe('PK');
    if (process.platform !== 'win32') expect(statSync(final).mode & 0o777).toBe(0o600);
  });

  it.skipIf(process.platform === 'win32')('removes temps when the process gets SIGINT', async () => {
    // The child runs the built module (npm test builds first), as the CLI would.
    const lib = join(dirname(fileURLToPath(import.meta.url)), '../../dist/src');
    {
      const script = `
        import { OutputSet } from ${JSON.stringify(join(lib, 'io/outputFile.js'))};
        import { writeFileSync } from 'node:fs';
        const set = new OutputSet({ force: false });
        writeFileSync(set.plan(${JSON.stringify(join(dir, 'x.xlsx'))}), 'partial');
        console.log('ready');
        setInterval(() => {}, 1000);
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.on('exit', () => reject(new Error('child exited early')));
      });
      expect(readdirSync(dir)).toHaveLength(1);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      child.kill('SIGINT');
      expect(await exited).toBe('SIGINT');
      expect(readdirSync(dir)).toEqual([]);
    }
  });
});

describe('the output folder', () => {
  it('is created with every missing parent, private, and an existing one is used as it is', async () => {
    const deep = join(dir, '输出', '一年级', '1班');
    checkOutputFolder(deep);
    expect(existsSync(join(dir, '输出'))).toBe(false); // the check creates nothing
    await makeOutputFolder(deep);
    for (const d of [join(dir, '输出'), join(dir, '输出', '一年级'), deep]) expect(statSync(d).mode & 0o777).toBe(0o700);
    await makeOutputFolder(deep);
    await makeOutputFolder(dir);
  });

  it('refuses a file, or a path through one, as a usage error', async () => {
    const file = join(dir, '结果.xlsx');
    writeFileSync(file, 'x');
    for (const out of [file, join(file, 'sub')]) {
      expect(() => checkOutputFolder(out)).toThrow(expect.objectContaining({ code: 'USAGE', exitCode: 2, message: expect.stringContaining(`${file} 是一个文件`) }));
      await expect(makeOutputFolder(out)).rejects.toMatchObject({ code: 'USAGE' });
    }
  });

  it('fails at once, not forever, under a link to nowhere (an unmounted drive or share)', async () => {
    const link = join(dir, 'U盘');
    symlinkSync(join(dir, 'unmounted'), link);
    for (const out of [link, join(link, '输出')]) {
      expect(() => checkOutputFolder(out)).toThrow(expect.objectContaining({ code: 'OUTPUT_DIR_MISSING', message: expect.stringContaining('链接') }));
      await expect(makeOutputFolder(out)).rejects.toMatchObject({ code: 'OUTPUT_DIR_MISSING' });
    }
    expect(existsSync(join(dir, 'unmounted'))).toBe(false);
  });

  // Node's own recursive mkdir never returns here (procfs answers ENOENT under an existing parent).
  it.skipIf(!existsSync('/proc/self'))('fails at once under /proc', async () => {
    await expect(makeOutputFolder('/proc/shili-test/out')).rejects.toMatchObject({ code: 'OUTPUT_DIR_MISSING' });
  }, 5000);
});

describe('toWriteError', () => {
  it('names the folder and the fix for a full disk and for missing permissions', () => {
    const file = join(dir, '.x.tmp');
    const full = toWriteError(Object.assign(new Error('x'), { code: 'ENOSPC' }), file);
    expect(full.code).toBe('DISK_FULL');
    expect(full.message).toContain(dir);
    expect(full.hint).toContain('--out');
    const denied = toWriteError(Object.assign(new Error('x'), { code: 'EACCES' }), file);
    expect(denied.code).toBe('OUTPUT_NOT_WRITABLE');
    expect(denied.message).toContain(dir);
  });
});

describe('safeFileStem', () => {
  it.each([
    ['一年级(1)班', '一年级(1)班'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['Lpt1', '_Lpt1'],
    ['COM10', 'COM10'],
    ['../x', '_x'],
    ['..', '未命名'],
    ['a/b', 'a_b'],
    ['a\\b', 'a_b'],
    ['班级:1', '班级_1'],
    ['a<b>c|d?e*f"g', 'a_b_c_d_e_f_g'],
    ['', '未命名'],
    ['   ', '未命名'],
    ['name. ', 'name'],
    ['.hidden', 'hidden'],
    ['tab\there\u0000', 'tabhere'],
    ['a  \u3000 b', 'a b'],
    ['x\u202eevil', 'xevil'],
    ['a..b', 'a.b'],
  ])('%j -> %j', (input, expected) => {
    expect(safeFileStem(input)).toBe(expected);
  });

  it('cuts very long names by characters and by UTF-8 bytes', () => {
    expect(safeFileStem('a'.repeat(300))).toBe('a'.repeat(100));
    const cjk = safeFileStem('学'.repeat(300));
    expect(Buffer.byteLength(cjk)).toBeLessThanOrEqual(180);
    expect(cjk).toBe('学'.repeat(60));
    expect(safeFileStem(`${'a'.repeat(99)} b`)).toBe('a'.repeat(99));
  });
});
