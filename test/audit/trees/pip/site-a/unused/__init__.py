def f():
    return "unused"
