// Worker thread entry of the pass-1 helper (pass1Thread.ts): classifies its share of a file's rows
// and hands the results to the conversion thread.
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { openDatabase } from '../db/open.js';
import { RosterStore } from '../db/roster.js';
import { forwardCleanups } from '../io/cleanup.js';
import type { Row } from '../io/table.js';
import { releaseTempFile, removeTempFile } from '../io/tempFiles.js';
import { openLayout, type OpenedLayout } from '../read/openLayout.js';
import { getTemplate } from '../templates/registry.js';
import { toWire } from '../threads/wire.js';
import { classifyNationalRows } from './classifyRows.js';
import { layoutKey, splitKeep, type HelperReply, type HelperRequest, type HelperWorkerData } from './pass1Thread.js';
import { UploadLayout } from './uploadRow.js';

const port = parentPort!;
const data = workerData as HelperWorkerData;
const send = (reply: HelperReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

forwardCleanups(data.cleanup);

let db: Database.Database | undefined;
let roster: RosterStore | undefined;
/** The roster, opened read-only on first use (the conversion thread has checked it already). */
function rosterStore(): RosterStore {
  if (!roster) {
    db = openDatabase(data.dbPath, { mustExist: true, readonly: true });
    roster = new RosterStore(db);
  }
  return roster;
}

class Aborted extends Error {}

interface Job {
  opened: Promise<OpenedLayout>;
  /** The roster with its id index loaded, made while the file opens. */
  roster: Promise<RosterStore>;
  running: boolean;
  /** Set by 'abort': the job stops before its first batch past this row. */
  stopAfter?: number;
  /** The spill handed over and not yet adopted, removed if the job is abandoned. */
  handedOver?: string;
}

const jobs = new Map<number, Job>();

port.on('message', (req: HelperRequest) => {
  switch (req.op) {
    case 'open': {
      const opened = openLayout(req.file, getTemplate('beijing-city-upload'), req.open, ['examDate']);
      // Between the file's reads (zlib inflates on another thread): the id index, built once.
      const store = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        const r = rosterStore();
        r.loadIdIndex();
        return r;
      });
      // The conversion thread meets the same errors in its own open and reports them; ours wait for 'go'.
      opened.catch(() => undefined);
      store.catch(() => undefined);
      jobs.set(req.id, { opened, roster: store, running: false });
      return;
    }
    case 'go': {
      const job = jobs.get(req.id);
      if (job && job.stopAfter === undefined) {
        job.running = true;
        void run(req.id, job, req.key, req.blockRows, req.examDate);
      }
      return;
    }
    case 'abort': {
      const job = jobs.get(req.id);
      if (!job) return;
      job.stopAfter = req.untilRow ?? 0;
      if (job.running) return; // run() stops at its next batch and answers
      jobs.delete(req.id);
      if (job.handedOver) return removeTempFile(job.handedOver);
      // A job that never got 'go' still holds its open file and shared-string table.
      void job.opened.then((l) => l.close()).catch(() => undefined);
      send({ type: 'aborted', id: req.id });
      return;
    }
    case 'release':
      releaseTempFile(req.path);
      for (const [id, job] of jobs) if (job.handedOver === req.path) jobs.delete(id);
      return;
    case 'close':
      db?.close();
      port.close();
      return;
  }
});

async function run(id: number, job: Job, key: string, blockRows: number, examDate: string | undefined): Promise<void> {
  let layout: OpenedLayout | undefined;
  try {
    layout = await job.opened;
    const { mapping } = layout;
    if (layoutKey(layout.source.sheet, mapping) !== key) {
      throw new Error('pass-1 helper found another layout than the conversion thread');
    }
    const store = await job.roster;
    layout.keepRows(splitKeep(blockRows, 1));
    const pass1 = await classifyNationalRows(stopWhenAborted(layout.dataRowBatches, job), mapping, store, new UploadLayout(mapping), examDate, (rows) =>
      send({ type: 'progress', id, rows }),
    );
    const spill = pass1.rows.handOver();
    job.running = false;
    if (job.stopAfter !== undefined) {
      // Abandoned after its last batch: nobody wants the rows.
      removeTempFile(spill.path);
      jobs.delete(id);
      send({ type: 'aborted', id });
      return;
    }
    job.handedOver = spill.path;
    const duplicates = pass1.duplicates.export();
    send(
      {
        type: 'done',
        id,
        result: { rowsRead: pass1.rowsRead, noData: pass1.noData, hiddenRows: pass1.hiddenRows, outOfOrder: layout.rowsOutOfOrder(), spill, duplicates },
      },
      [duplicates.keyHi.buffer, duplicates.keyLo.buffer, duplicates.first.buffer, duplicates.content.buffer] as ArrayBuffer[],
    );
  } catch (err) {
    job.running = false;
    jobs.delete(id);
    await layout?.close().catch(() => undefined);
    send(err instanceof Aborted ? { type: 'aborted', id } : { type: 'failed', id, error: toWire(err) });
  }
}

/** The rows, until the conversion thread abandons the job (checked between batches). */
async function* stopWhenAborted(batches: AsyncIterable<Row[]>, job: Job): AsyncGenerator<Row[]> {
  for await (const rows of batches) {
    if (job.stopAfter !== undefined && rows[0]!.rowNumber > job.stopAfter) throw new Aborted();
    yield rows;
  }
}
