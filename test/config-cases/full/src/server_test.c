#include <pthread.h>
#include <stdlib.h>

static void *idle(void *arg) {
    return arg;
}

int test_main(void) {
    pthread_t thread;
    pthread_create(&thread, NULL, idle, NULL);
    // ok: env-mutation-after-thread-spawn (excluded by "**/*_test.c")
    setenv("TEST", "1", 1);
    return 0;
}
