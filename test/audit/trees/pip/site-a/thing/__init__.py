import os


def go():
    os.putenv("THING", "1")
