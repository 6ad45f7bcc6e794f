#include <pthread.h>
#include <stdlib.h>

static void *idle(void *arg) {
    return arg;
}

int shim_main(void) {
    pthread_t thread;
    pthread_create(&thread, NULL, idle, NULL);
    // ok: env-mutation-after-thread-spawn (excluded by "src/vendor")
    setenv("SHIM", "1", 1);
    return 0;
}
