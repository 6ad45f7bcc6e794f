/*
 * The C shape of the race (the "reproduce os.system race" programs): worker threads call
 * system() while main keeps adding variables with putenv(). On glibc <= 2.40, putenv of a new
 * name reallocates environ and frees the old array that execve may be copying.
 * Build and run: cc -O2 -pthread main.c -o race && ./race
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define WORKERS 4
#define ROUNDS 200

static void *run_commands(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        int status = system("true");
        if (status != 0) fprintf(stderr, "system() returned %d\n", status);
    }
    return NULL;
}

static char names[ROUNDS][32];

int main(void) {
    pthread_t workers[WORKERS];
    /* ok: env-mutation-after-thread-spawn */
    putenv("RACE_DEMO=1");
    for (int i = 0; i < WORKERS; i++) pthread_create(&workers[i], NULL, run_commands, NULL);
    for (int i = 0; i < ROUNDS; i++) {
        snprintf(names[i], sizeof names[i], "RACE_VAR_%d=x", i);
        /* ruleid: env-mutation-after-thread-spawn */
        putenv(names[i]);
    }
    for (int i = 0; i < WORKERS; i++) pthread_join(workers[i], NULL);
    /* ok: env-mutation-after-thread-spawn */
    setenv("RACE_DONE", "1", 1);
    puts("done");
    return 0;
}
