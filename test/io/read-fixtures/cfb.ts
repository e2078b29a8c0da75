// The smallest OLE2 (Compound File) container that names the given streams, built with the
// fixture generator's writer: enough for sniffing to tell a legacy .xls from an encrypted .xlsx.
import { buildCfb as buildContainer } from '../../../fixtures/bad/gen/cfb.js';

export function buildCfb(streamNames: string[]): Buffer {
  return buildContainer(streamNames.map((name) => ({ path: [name], data: Buffer.alloc(0) })));
}
