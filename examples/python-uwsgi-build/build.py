"""The uWSGI build race (issue 2447), in miniature.

Worker threads run compiler commands with os.system() while the main thread adds entries to
os.environ. On glibc <= 2.40 the setenv behind the write can free the environ array that execve is
copying: execve fails with EFAULT and os.system() returns 32512 once in a few hundred runs.
Run it: python3 build.py
"""
import os
from concurrent.futures import ThreadPoolExecutor

SOURCES = ["core/a.c", "core/b.c", "core/c.c", "plugins/d.c"]


def compile_one(source):
    # The reader: os.system -> fork/execve copies the environment.
    return os.system(f"true {source}")


def main():
    # ok: env-mutation-after-thread-spawn
    os.environ["UWSGI_BUILD_STARTED"] = "1"
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = []
        for source in SOURCES:
            results.append(pool.submit(compile_one, source))
            # ruleid: env-mutation-after-thread-spawn
            os.environ["UWSGI_LAST_QUEUED_" + str(len(results))] = source
        statuses = [future.result() for future in results]
    # ok: env-mutation-after-thread-spawn
    os.environ["UWSGI_BUILD_DONE"] = "1"
    failed = [status for status in statuses if status != 0]
    print(f"{len(statuses)} compiled, {len(failed)} failed")


if __name__ == "__main__":
    main()
