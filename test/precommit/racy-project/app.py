"""Starts a worker thread, then applies settings that live in another module (settings.py)."""
import os
import threading

from settings import apply_settings


def worker():
    os.system("true")


def main():
    thread = threading.Thread(target=worker)
    thread.start()
    apply_settings()
    thread.join()


if __name__ == "__main__":
    main()
