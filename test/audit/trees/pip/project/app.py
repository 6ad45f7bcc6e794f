import os

import alpha
import dup
import inner_tool
import local_helper
import not_installed_anywhere
import thing
from beta.sub import mod


def main():
    alpha.run()
    mod.apply()
    local_helper.helper()
    thing.go()
    return os.getpid(), dup.VERSION, inner_tool
