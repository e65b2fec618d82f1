// Writes this build's file list and version into the service worker (dist/sw.js), so each
// release caches exactly its own files under its own name (see www/sw.js).
// Trunk runs it after every build (a post_build hook in Trunk.toml), with TRUNK_STAGING_DIR set
// to the folder that becomes dist/. Also usable by hand: node scripts/stamp-service-worker.mjs DIR
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('stamp-service-worker: give the build folder (or run it from trunk, which sets TRUNK_STAGING_DIR)');
  process.exit(2);
}

/** Every file under `folder`, as paths relative to `dir` with forward slashes. */
function files(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? files(path) : [relative(dir, path).split(sep).join('/')];
  });
}

const worker = 'sw.js';
const assets = files(dir)
  .filter((file) => file !== worker)
  .sort();
// The version covers names and contents, so any change to any file gives a new cache.
const hash = createHash('sha256');
for (const file of assets) hash.update(`${file}\0`).update(readFileSync(join(dir, file)));
const version = hash.digest('hex').slice(0, 16);

const path = join(dir, worker);
const source = readFileSync(path, 'utf8');
const line = /^const BUILD = .*;$/m;
if (!line.test(source)) {
  console.error(`stamp-service-worker: ${path} has no "const BUILD = …;" line to replace`);
  process.exit(1);
}
writeFileSync(path, source.replace(line, `const BUILD = ${JSON.stringify({ version, files: assets })};`));
console.log(`stamp-service-worker: ${assets.length} files, version ${version}`);
