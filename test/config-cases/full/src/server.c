#include <pthread.h>
#include <stddef.h>

void set_env_locked(const char *name, const char *value);
void spawn_worker(void *(*body)(void *));

static void *poll_config(void *arg) {
    // ruleid: env-mutation-after-thread-spawn
    set_env_locked("CONFIG_EPOCH", "2");
    return arg;
}

int main(void) {
    // ok: env-mutation-after-thread-spawn
    set_env_locked("TZ", "UTC");
    spawn_worker(poll_config);
    return 0;
}
