// nnplay's service worker: after the first visit the page opens and trains with the network off.
//
// Trunk copies this file to dist/ unhashed, then scripts/stamp-service-worker.mjs (a post-build
// hook in Trunk.toml) replaces the BUILD line below with the build's own files and a version
// computed from their contents. So every release has a different sw.js: the browser installs
// it, it caches that release's files under a new name, and on activation it deletes every other
// nnplay cache. A page is always served from one release's files, never a mix.
//
// Pages: from the network when it answers (within NETWORK_WAIT_MS), otherwise the cached
// index.html. The build's files: from the cache (their names carry content hashes, so a cached
// copy is never stale), otherwise from the network. Anything else is left to the browser.

const BUILD = { version: 'unbuilt', files: [] };

const CACHE = `nnplay-${BUILD.version}`;
const NETWORK_WAIT_MS = 4000;
const scope = self.registration.scope;
const precached = new Set(BUILD.files.map((file) => new URL(file, scope).href));
const indexUrl = new URL('index.html', scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload` skips the HTTP cache, which may still hold the previous release's index.html.
      await cache.addAll([...precached].map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('nnplay-') && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate' && request.url.startsWith(scope)) {
    event.respondWith(page(request));
  } else if (precached.has(request.url)) {
    event.respondWith(file(request));
  }
});

/** The page from the network, or this release's cached index.html when the network fails or stalls. */
async function page(request) {
  const cached = caches.match(indexUrl, { cacheName: CACHE });
  const network = fetch(request);
  network.catch(() => {}); // when the cache answers first, a later failure is no error
  const stalled = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS, 'stalled'));
  try {
    const first = await Promise.race([network, stalled]);
    if (first !== 'stalled' && first.ok) return first;
    if (first !== 'stalled') return (await cached) ?? first;
    return (await cached) ?? (await network);
  } catch {
    return (await cached) ?? Response.error();
  }
}

/**
 * A file of this release: from the cache, else from the network. The lookups never open the
 * cache by name: `caches.open` would create it again when an old worker still answers a request
 * after the new release's worker deleted its cache, leaving an empty cache behind.
 */
async function file(request) {
  return (await caches.match(request, { cacheName: CACHE })) ?? fetch(request);
}
