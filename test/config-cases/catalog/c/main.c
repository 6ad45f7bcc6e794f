/* The project's own wrappers live in a library that is not scanned; envrace.config.json describes them. */
#include <pthread.h>
#include <stddef.h>

typedef struct worker worker_t;
void set_env_locked(const char *name, const char *value);
void spawn_worker(void *(*body)(void *));
void start_worker(worker_t **worker, void *(*body)(void *));
void join_worker(worker_t *worker);

static void *serve(void *arg) {
    return arg;
}

static void *refresh(void *arg) {
    // ruleid: env-mutation-after-thread-spawn
    set_env_locked("CONFIG_EPOCH", "2");
    return arg;
}

static void warm_up(void) {
    worker_t *worker;
    start_worker(&worker, serve);
    join_worker(worker);
    // ok: env-mutation-after-thread-spawn
    set_env_locked("WARM", "1");
}

int main(void) {
    // ok: env-mutation-after-thread-spawn
    set_env_locked("TZ", "UTC");
    warm_up();
    pthread_t thread;
    pthread_create(&thread, NULL, serve, NULL);
    // ruleid: env-mutation-after-thread-spawn
    set_env_locked("LANG", "C");
    spawn_worker(refresh);
    return 0;
}
