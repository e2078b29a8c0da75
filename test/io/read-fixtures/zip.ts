// Handcrafted test packages use the fixture generator's zip writer: stored or deflated entries,
// a lying "uncompressed size" to imitate zip bombs and damage, and ZIP64 records.
export { buildZip, type ZipEntryIn as TestZipEntry } from '../../../fixtures/bad/gen/zip.js';
