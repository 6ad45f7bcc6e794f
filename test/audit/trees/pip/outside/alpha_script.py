def script():
    return 0
