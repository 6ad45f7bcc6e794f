"""Sets the environment before the thread starts and after it was joined: nothing to report."""
import os
import threading


def worker():
    os.system("true")


def main():
    # ok: env-mutation-after-thread-spawn
    os.environ["BEFORE"] = "1"
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    # ok: env-mutation-after-thread-spawn
    os.environ["AFTER"] = "1"


if __name__ == "__main__":
    main()
