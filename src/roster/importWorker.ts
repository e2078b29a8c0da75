// Worker thread entry: runs the roster import transaction for ImportThread (importThread.ts).
// Its first message says whether the database opened; then one reply per request, in order.
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { openDatabase } from '../db/open.js';
import { RosterStore, type RosterImport } from '../db/roster.js';
import { toWire } from '../threads/wire.js';
import { fromTuple, type Reply, type Request } from './importThread.js';

const port = parentPort!;
const send = (reply: Reply) => port.postMessage(reply);

let db: Database.Database | undefined;
let store: RosterStore | undefined;
let imp: RosterImport | undefined;
try {
  db = openDatabase((workerData as { dbPath: string }).dbPath, { mustExist: true });
  store = new RosterStore(db);
  send({ ok: true });
} catch (err) {
  send({ ok: false, error: toWire(err) });
}

port.on('message', (req: Request) => {
  try {
    switch (req.op) {
      case 'begin':
        imp = store!.beginImport({ sourceFile: req.sourceFile });
        return send({ ok: true });
      case 'add':
        imp!.add(req.rows.map(fromTuple));
        return send({ ok: true });
      case 'commit': {
        const value = imp!.commit();
        imp = undefined;
        return send({ ok: true, value });
      }
      case 'rollback':
        imp?.rollback();
        imp = undefined;
        return send({ ok: true });
      case 'close':
        db?.close();
        send({ ok: true });
        return port.close();
    }
  } catch (err) {
    send({ ok: false, error: toWire(err) });
  }
});
