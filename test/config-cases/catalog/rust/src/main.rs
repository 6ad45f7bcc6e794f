// The project's own wrappers come from a crate that is not scanned; envrace.config.json describes them.
use std::thread;

use envlock::{set_env_locked, spawn_worker};

fn refresh() {
    // ruleid: env-mutation-after-thread-spawn
    set_env_locked("CONFIG_EPOCH", "2");
}

fn main() {
    // ok: env-mutation-after-thread-spawn
    set_env_locked("TZ", "UTC");
    let _server = thread::spawn(|| {});
    // ruleid: env-mutation-after-thread-spawn
    envlock::set_env_locked("LANG", "C");
    spawn_worker(refresh);
}
