# The project's own wrappers live in a native module that is not scanned; envrace.config.json describes them.
import threading

import envlock
from envlock import set_env_locked, spawn_worker


def refresh():
    # ruleid: env-mutation-after-thread-spawn
    set_env_locked("CONFIG_EPOCH", "2")


def main():
    # ok: env-mutation-after-thread-spawn
    set_env_locked("TZ", "UTC")
    server = threading.Thread(target=print)
    server.start()
    # ruleid: env-mutation-after-thread-spawn
    envlock.set_env_locked("LANG", "C")
    spawn_worker(refresh)


if __name__ == "__main__":
    main()
