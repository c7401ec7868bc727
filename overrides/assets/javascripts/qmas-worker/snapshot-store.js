// Memory snapshots in Cache Storage: a worker started as the snapshot maker (its name is
// SNAPSHOT_ROLE; qmas-runtime.js starts one in idle time after the first result) warms the core
// up with fixed synthetic answers (never the visitor's: the snapshot is memory and would keep
// them), takes the snapshot and stores it with the reference answer under the manifest's key.
// Later starts restore it (no Python start-up, no imports) and check the same reference answer
// (boot.js); any problem means the snapshot is dropped and the normal start used. The warm-up
// and the reference come from the core's side: the bundled module qmas_warm_up.

export const SNAPSHOT_ROLE = "qmas-snapshot";
const SNAPSHOT_CACHE_PREFIX = "qmas-snapshot-";

// A snapshot is the whole wasm memory (30 MiB), 60% of it zero pages: stored sparse, as
// "QMS1", page size, total length, page count, the non-zero pages' numbers, their bytes.
const PAGE = 4096;
const MAGIC = 0x31534d51;

function sparse(bytes) {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  const pages = [];
  for (let page = 0; page * PAGE < bytes.byteLength; page++) {
    const from = (page * PAGE) >> 2;
    const to = Math.min(from + PAGE / 4, words.length);
    let used = page * PAGE + PAGE > bytes.byteLength; // a partial last page is always kept
    for (let i = from; !used && i < to; i++) used = words[i] !== 0;
    if (used) pages.push(page);
  }
  const head = new Uint32Array([MAGIC, PAGE, bytes.byteLength, pages.length, ...pages]);
  const out = new Uint8Array(head.byteLength + pages.length * PAGE);
  out.set(new Uint8Array(head.buffer));
  pages.forEach((page, n) => {
    out.set(bytes.subarray(page * PAGE, Math.min(page * PAGE + PAGE, bytes.byteLength)), head.byteLength + n * PAGE);
  });
  return out;
}

function dense(buffer) {
  const head = new Uint32Array(buffer, 0, 4);
  if (head[0] !== MAGIC || head[1] !== PAGE) throw new Error("not a qmas snapshot");
  const count = head[3];
  const pages = new Uint32Array(buffer, 16, count);
  const data = new Uint8Array(buffer, 16 + count * 4);
  const out = new Uint8Array(head[2]);
  for (let n = 0; n < count; n++) {
    const at = pages[n] * PAGE;
    out.set(data.subarray(n * PAGE, n * PAGE + Math.min(PAGE, out.length - at)), at);
  }
  return out;
}

// Cache Storage holds at most one snapshot: the one for this manifest's key.
function snapshotCacheName(manifest) {
  return manifest.cache && self.caches ? SNAPSHOT_CACHE_PREFIX + manifest.cache : null;
}

// Started before the manifest arrives (it names the key), so reading the stored snapshot
// overlaps the manifest's round trip; kept only if its cache is the one the manifest names.
// Returns {bytes, reference} or null.
export async function readSnapshot(manifestPromise, stamp = () => {}) {
  if (!self.caches) return null;
  try {
    const names = (await caches.keys()).filter((n) => n.startsWith(SNAPSHOT_CACHE_PREFIX));
    if (names.length !== 1) return null;
    const cache = await caches.open(names[0]);
    const [stored, expected] = await Promise.all([cache.match("snapshot"), cache.match("reference")]);
    if (!stored || !expected) return null;
    const [packed, reference] = await Promise.all([stored.arrayBuffer(), expected.text()]);
    stamp("snapshot_bytes");
    const manifest = await manifestPromise;
    if (manifest.snapshot === false || names[0] !== snapshotCacheName(manifest)) return null;
    return { bytes: dense(packed), reference };
  } catch (error) {
    return null;
  }
}

export async function dropSnapshots(keep = null) {
  if (!self.caches) return;
  for (const name of await caches.keys()) {
    if (name.startsWith(SNAPSHOT_CACHE_PREFIX) && name !== keep) await caches.delete(name);
  }
}

// `runtime`: what boot.js started (with _makeSnapshot). Returns {stored, message?, size?, stored_size?}.
export async function makeSnapshot({ pyodide, manifest }) {
  const name = snapshotCacheName(manifest);
  if (!name || manifest.snapshot === false) return { stored: false, message: "no Cache Storage or no key" };
  if (await readSnapshot(Promise.resolve(manifest))) return { stored: true, message: "already stored" };
  const reference = pyodide.pyimport("qmas_warm_up").warm_up();
  pyodide.runPython("import gc; gc.freeze()"); // what the warm-up cached, too
  const bytes = pyodide.makeMemorySnapshot();
  await dropSnapshots(name);
  const cache = await caches.open(name);
  await cache.put("reference", new Response(reference));
  const packed = sparse(bytes);
  await cache.put("snapshot", new Response(packed));
  return { stored: true, size: bytes.byteLength, stored_size: packed.byteLength };
}
