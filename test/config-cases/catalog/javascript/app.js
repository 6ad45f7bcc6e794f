// The project's own wrappers are globals installed by a native addon that is not scanned;
// envrace.config.json describes them.
const envlock = require('envlock');

function refresh() {
  // ruleid: env-mutation-after-thread-spawn
  setEnvLocked('CONFIG_EPOCH', '2');
}

// ok: env-mutation-after-thread-spawn
setEnvLocked('TZ', 'UTC');
spawnWorker(refresh);
// ruleid: env-mutation-after-thread-spawn
setEnvLocked('LANG', 'C');
// An imported wrapper is not matched by its plain name yet (the JS adapter matches project entries on unbound globals only).
// todoruleid: env-mutation-after-thread-spawn
envlock.setEnvLocked('LC_ALL', 'C');
