// Candidate thread entry (candidateSearch.ts CandidateThread): answers candidate searches for the
// conversion thread with its own read-only connection to the roster.
import { parentPort, workerData } from 'node:worker_threads';
import { CandidateServer, type CandidateThreadMessage } from './candidateSearch.js';

const port = parentPort!;
const server = new CandidateServer((workerData as { dbPath: string }).dbPath);
port.on('message', (msg: CandidateThreadMessage) => {
  if (msg.type === 'candidates') return port.postMessage(server.answer(msg));
  server.close();
  port.close();
});
