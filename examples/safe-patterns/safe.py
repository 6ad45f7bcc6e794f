import os
import subprocess
import threading


def worker():
    # ok: env-mutation-after-thread-spawn
    subprocess.run(["true"], env={**os.environ, "ONLY_FOR_CHILD": "1"}, check=False)


def main():
    # ok: env-mutation-after-thread-spawn
    os.environ["BEFORE_THREADS"] = "1"
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    # ok: env-mutation-after-thread-spawn
    os.environ["AFTER_JOIN"] = "1"


if __name__ == "__main__":
    main()
