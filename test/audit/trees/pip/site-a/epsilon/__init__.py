def f():
    return "epsilon"
