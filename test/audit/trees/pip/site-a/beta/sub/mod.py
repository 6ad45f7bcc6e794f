import os


def apply():
    os.environ.setdefault("BETA", "1")
