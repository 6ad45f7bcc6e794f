#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static void *worker(void *arg) {
    (void)arg;
    return (void *)getenv("HOME");
}

int main(void) {
    /* ok: env-mutation-after-thread-spawn */
    setenv("BEFORE_THREADS", "1", 1);
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    pthread_join(thread, NULL);
    /* ok: env-mutation-after-thread-spawn */
    setenv("AFTER_JOIN", "1", 1);
    char *argv[] = {"/bin/true", NULL};
    char *envp[] = {"ONLY_FOR_CHILD=1", NULL};
    /* ok: env-mutation-after-thread-spawn */
    execve("/bin/true", argv, envp);
    return 0;
}
