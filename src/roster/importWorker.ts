// Worker thread entry: runs the roster import transaction for ImportThread (importThread.ts).
// It starts before the database is known; then one reply per request, in order.
import { parentPort } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { openDatabase } from '../db/open.js';
import { RosterStore, type RosterImport } from '../db/roster.js';
import { toWire } from '../threads/wire.js';
import type { Reply, Request } from './importThread.js';

const port = parentPort!;
const send = (reply: Reply) => port.postMessage(reply);

let db: Database.Database | undefined;
let store: RosterStore | undefined;
let imp: RosterImport | undefined;

port.on('message', (req: Request) => {
  try {
    switch (req.op) {
      case 'open':
        db = openDatabase(req.dbPath, { mustExist: true });
        store = new RosterStore(db);
        return send({ ok: true });
      case 'begin':
        imp = store!.beginImport({ sourceFile: req.sourceFile });
        return send({ ok: true });
      case 'add':
        imp!.addPacked(req.packed);
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
