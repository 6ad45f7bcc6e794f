/* Staged together with settings.py: nothing to report here. */
#include <stdio.h>
#include <stdlib.h>

int print_home(void) {
    /* ok: env-mutation-after-thread-spawn */
    const char *home = getenv("HOME");
    return printf("%s\n", home ? home : "?");
}
