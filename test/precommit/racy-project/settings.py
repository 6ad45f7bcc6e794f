"""The write is here, the spawn is in app.py: only a whole-project analysis connects them."""
import os


def apply_settings():
    # ruleid: env-mutation-after-thread-spawn
    os.environ["APP_MODE"] = "fast"
