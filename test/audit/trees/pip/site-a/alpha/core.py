import os


def run():
    os.environ["ALPHA"] = "1"
