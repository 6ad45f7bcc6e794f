def f():
    return "zeta"
