def f():
    return "fastlib"
