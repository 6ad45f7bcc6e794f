use std::env;
use std::process::Command;
use std::thread;

fn main() {
    // ok: env-mutation-after-thread-spawn
    env::set_var("BEFORE_THREADS", "1");
    let handle = thread::spawn(|| env::var("HOME").ok());
    let _ = handle.join();
    // ok: env-mutation-after-thread-spawn
    env::set_var("AFTER_JOIN", "1");
    let worker = thread::spawn(|| {
        // ok: env-mutation-after-thread-spawn
        Command::new("/bin/true").env("ONLY_FOR_CHILD", "1").status()
    });
    let _ = worker.join();
}
