import os

from pool import run_in_pool


def refresh():
    # ruleid: env-mutation-after-thread-spawn
    os.environ["CI_EPOCH"] = "2"


if __name__ == "__main__":
    run_in_pool(refresh)
