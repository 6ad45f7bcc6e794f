def f():
    return "delta"
