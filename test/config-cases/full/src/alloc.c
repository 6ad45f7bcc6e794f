#include <stddef.h>

void *arena_alloc(size_t size);

// ruleid: libc-symbol-interposition (a note by default, a warning in this project)
void *malloc(size_t size) {
    return arena_alloc(size);
}
