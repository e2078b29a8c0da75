// Worker thread entry: runs national-to-city conversions for ConvertThread (convertThread.ts).
// The conversion runs here, not on the main thread, so that it works under a fixed heap limit
// (memory stays flat as files grow) while the main thread keeps the spinner, the output and the
// signals. Temp files are registered with the main thread, which removes them on Ctrl-C.
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { openDatabase } from '../db/open.js';
import { RosterStore } from '../db/roster.js';
import { ShiliError } from '../errors.js';
import { forwardCleanups } from '../io/cleanup.js';
import { toWire } from '../threads/wire.js';
import { convertNationalToCity } from './nationalToCity.js';
import { Pass1Helper } from './pass1Thread.js';
import type { ConvertReply, ConvertRequest, ConvertWorkerData } from './convertThread.js';

const port = parentPort!;
const data = workerData as ConvertWorkerData;
const send = (reply: ConvertReply) => port.postMessage(reply);

forwardCleanups(data.cleanup);

let db: Database.Database | undefined;
let roster: RosterStore | undefined;
try {
  db = openDatabase(data.dbPath, { mustExist: true });
  roster = new RosterStore(db);
  if (roster.count() === 0) {
    throw new ShiliError('ROSTER_EMPTY', '学生名单数据库是空的', { hint: '请先运行 shili roster import <名单文件> 导入学生名单' });
  }
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'failed', error: toWire(err) });
}


port.on('message', (req: ConvertRequest) => {
  if (req.op === 'close') {
    db?.close();
    port.close();
    return;
  }
  // A helper thread for this file only, started if the file is big enough to share (pass1Thread.ts).
  const helper = data.pass1Threads === 2 ? new Pass1Helper({ dbPath: data.dbPath, cleanup: req.helperCleanup }) : undefined;
  convertNationalToCity(req.file, {
    ...req.options,
    roster: roster!,
    cityTemplate: data.cityTemplate,
    onProgress: (rows) => send({ type: 'progress', rows }),
    ...(helper ? { pass1Helper: helper } : {}),
  })
    // Its read-only connection closes before the reply: the last connection to close removes -wal and -shm.
    .finally(() => helper?.close())
    .then(
      (summary) => send({ type: 'done', summary }),
      (err: unknown) => send({ type: 'failed', error: toWire(err) }),
    );
});
