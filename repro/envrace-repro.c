/*
 * envrace-repro.c: confirms, on the machine where it runs, that mutating the process environment
 * while another thread reads it is a real crash and not only a lint warning.
 *
 * Part of envrace: `envrace repro` compiles and runs this file;
 * `envrace repro --emit-c FILE` writes it out so that it can be built on any other machine.
 * It needs only a C11 compiler, libc and pthreads:
 *
 *     cc -O2 -pthread -o envrace-repro envrace-repro.c
 *     ./envrace-repro                      # both modes, text verdict
 *     ./envrace-repro --mode exec --format json
 *     ./envrace-repro --control            # same workload without the writer: must never confirm
 *     ./envrace-repro --help
 *
 * Cross builds work the same way (aarch64-linux-gnu-gcc -O2 -pthread ...); run the result on the real
 * hardware when you can: an emulator (qemu-user) does not have the target's timing or memory model.
 *
 * What it does. glibc (up to 2.40) and musl grow the `environ` array with realloc() when setenv()/putenv()
 * adds a name that is not there yet, which frees the old array. A thread that is walking the old array at
 * that moment reads freed memory:
 *   - exec mode: reader threads start /bin/true with posix_spawn(), system() and vfork()+execve(), passing
 *     `environ`; the kernel copies the freed array and execve fails with EFAULT (system() returns 32512,
 *     a shell's exit status 127). This is the uWSGI / Python os.system class.
 *   - getenv mode: reader threads call getenv() on a name that is absent, which walks the whole array;
 *     they fault with SIGSEGV. This is the EdgeDB/Gel (openssl-probe + gettext) class.
 * A writer thread adds new names meanwhile. Every trial runs in a forked child with a hard deadline, so
 * a crash ends one trial and never the program; the verdict says what failed, how fast, and on what libc,
 * CPU and allocator, because the allocator decides what a read of freed memory does.
 *
 * Safety. Nothing is written outside a private temporary directory (the trials' working directory, removed
 * at the end); core dumps are disabled in the trial children, SIGSEGV/SIGBUS are caught (so the kernel logs
 * nothing), and the children die with their parent (Linux).
 *
 * Exit status: 0 not reproduced, 1 confirmed, 2 error or bad usage, 3 inconclusive (the environ array never
 * moved, so the race could not be exercised: that is not evidence of safety).
 */
#define _GNU_SOURCE 1
#define _DEFAULT_SOURCE 1
#define _DARWIN_C_SOURCE 1

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif
#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif

extern char **environ;

/* dladdr() lives in libdl before glibc 2.34: a weak reference keeps `cc -O2 -pthread` enough everywhere. */
#if defined(__GNUC__) || defined(__clang__)
#pragma weak dladdr
#endif

#define REPRO_VERSION "1"
#define EXIT_NOT_REPRODUCED 0
#define EXIT_CONFIRMED 1
#define EXIT_ERROR 2
#define EXIT_INCONCLUSIVE 3

/* Exit codes of a trial child, read by the parent. */
#define CHILD_OK 0
#define CHILD_FAILED 40 /* a reader saw the race (errno/status) or a signal was caught */
#define CHILD_SETUP 41  /* the child could not set the trial up */

#define MAX_READERS 16
#define MAX_ADDS 4096
#define MAX_NAME 128

enum mode { MODE_EXEC = 0, MODE_GETENV = 1 };
enum api { API_NONE = 0, API_GETENV, API_POSIX_SPAWN, API_SYSTEM, API_VFORK, API_WRITER };
enum kind { KIND_NONE = 0, KIND_SIGNAL, KIND_ERRNO, KIND_STATUS };
enum shape { SHAPE_NONE = 0, SHAPE_PAD, SHAPE_TCACHE };
enum writer_kind { WRITER_ADD = 0, WRITER_OVERWRITE };

static const char *const api_names[] = {"none", "getenv", "posix_spawn", "system", "vfork+execve", "writer"};
static const char *const shape_names[] = {"none", "pad", "tcache"};

struct config {
  int modes[2];
  int nmodes;
  const char *mode_name;
  int control;
  double seconds;
  long trials; /* 0: as many as fit in `seconds` */
  long trial_ms;
  int readers; /* 0: per-mode default */
  int adds;
  long pace_ns; /* -1: per-mode default */
  int keep_going;
  int json;
  enum shape shape;
  int shape_auto;
  enum writer_kind writer;
  const char *vars[8];
  int nvars;
  const char *absent;
  int apis[3]; /* exec readers: posix_spawn, system, vfork */
  const char *emulated_by;
  const char *true_path;
};

/* What a trial child reports to the parent, in a MAP_SHARED page set up before fork(). */
struct shared {
  atomic_int failed;
  int kind, api, err, status, signo, sicode, thread_is_writer;
  uintptr_t addr;
  int64_t t_ns;
  atomic_long moves;
  atomic_long adds;
  atomic_long reader_ops;
  atomic_long other_errors;
  atomic_int last_other_errno;
  char **last_seen_environ;
  int vfork_errno[MAX_READERS];
  /* shaping facts, filled by the first trial */
  long env_before, env_after, padded, tcache_chunks, tcache_classes;
};

struct run_result {
  int mode;
  const char *verdict;
  long trials, failures, timeouts, abnormal, setup_errors, other_errors, moves, adds, reader_ops;
  int last_other_errno;
  double elapsed_ms, ttf_ms;
  long first_failure_trial;
  struct shared first; /* copy of the failing trial's record */
  enum shape shape;
  long env_before, env_after, padded, tcache_chunks, tcache_classes;
  int readers;
  long pace_ns;
};

static struct shared *sh;
static struct config cfg;
static _Thread_local int tl_is_writer;
static atomic_int stop_flag;
static atomic_int readers_ready;
static void reader_ready(void) { atomic_fetch_add(&readers_ready, 1); }

static char names[MAX_ADDS][MAX_NAME];
static int64_t mode_t0;
static int current_mode;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long count_environ(void) {
  long n = 0;
  if (environ)
    while (environ[n]) n++;
  return n;
}

/* ---------------------------------------------------------------- failure recording (async-signal-safe) */

static int claim_failure(int kind, int api) {
  int expected = 0;
  if (!atomic_compare_exchange_strong(&sh->failed, &expected, 1)) return 0;
  sh->kind = kind;
  sh->api = api;
  sh->thread_is_writer = tl_is_writer;
  sh->t_ns = now_ns();
  return 1;
}

static void on_fault(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  if (environ != sh->last_seen_environ && sh->last_seen_environ != NULL) atomic_fetch_add(&sh->moves, 1);
  if (claim_failure(KIND_SIGNAL, tl_is_writer ? API_WRITER : (current_mode == MODE_GETENV ? API_GETENV : API_NONE))) {
    sh->signo = sig;
    sh->sicode = si ? si->si_code : 0;
    sh->addr = si ? (uintptr_t)si->si_addr : 0;
  }
  _exit(CHILD_FAILED);
}

static void record_errno(int api, int err) {
  if (claim_failure(KIND_ERRNO, api)) sh->err = err;
  _exit(CHILD_FAILED);
}

static void record_status(int api, int status) {
  if (claim_failure(KIND_STATUS, api)) sh->status = status;
  _exit(CHILD_FAILED);
}

static void note_other_error(int err) {
  atomic_fetch_add(&sh->other_errors, 1);
  atomic_store(&sh->last_other_errno, err);
}

/* ---------------------------------------------------------------- readers */

static char *true_argv[2];

static void *getenv_reader(void *arg) {
  (void)arg;
  volatile uintptr_t sink = 0;
  long ops = 0;
  reader_ready();
  while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
    sink += (uintptr_t)getenv(cfg.absent);
    if (++ops == 256) { /* published in batches, so that a trial that crashes still counts most of its reads */
      atomic_fetch_add_explicit(&sh->reader_ops, ops, memory_order_relaxed);
      ops = 0;
    }
  }
  atomic_fetch_add(&sh->reader_ops, ops);
  return NULL;
}

struct exec_reader_arg {
  int api;
  int index;
};

static void *exec_reader(void *argp) {
  struct exec_reader_arg *arg = argp;
  reader_ready();
  while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
    atomic_fetch_add_explicit(&sh->reader_ops, 1, memory_order_relaxed);
    if (arg->api == API_POSIX_SPAWN) {
      pid_t pid;
      int rc = posix_spawn(&pid, cfg.true_path, NULL, NULL, true_argv, environ);
      if (rc == EFAULT) record_errno(API_POSIX_SPAWN, rc);
      if (rc != 0) {
        note_other_error(rc);
        continue;
      }
      int st = 0;
      while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
      }
      /* Libcs that cannot report exec errors from posix_spawn let the child exit with 127. */
      if (WIFEXITED(st) && WEXITSTATUS(st) == 127) record_status(API_POSIX_SPAWN, st);
    } else if (arg->api == API_SYSTEM) {
      int st = system(cfg.true_path);
      if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 127) record_status(API_SYSTEM, st);
      if (st == -1) note_other_error(errno);
    } else {
      sh->vfork_errno[arg->index] = 0;
      pid_t pid = vfork();
      if (pid == 0) {
        execve(cfg.true_path, true_argv, environ);
        sh->vfork_errno[arg->index] = errno;
        _exit(127);
      }
      if (pid < 0) {
        note_other_error(errno);
        continue;
      }
      int st = 0;
      while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
      }
      if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
        int err = sh->vfork_errno[arg->index];
        if (err != 0) record_errno(API_VFORK, err);
        record_status(API_VFORK, st);
      }
    }
  }
  return NULL;
}

/* ---------------------------------------------------------------- shaping */

/*
 * Heap shaping (glibc's allocator; harmless elsewhere).
 *
 * pad: own the array (the first setenv copies the kernel-provided array to the heap; that move frees
 *   nothing), grow it to at least 16 names so that freed arrays are too big for the fastbins, and to an
 *   even count: the array made for n names holds n+2 pointers in 16-byte granules, so with an even count it
 *   is exactly full and the very next new name reallocates (moves) it.
 * tcache: pad, then fill the per-thread cache (tcache, 7 chunks per size class) for the sizes of the arrays
 *   the writer is about to free. A freed array then goes to the unsorted bin instead, and free() writes its
 *   size into the next chunk's prev_size field, which is the old array's last slot: its NULL terminator.
 *   Every reader still walking the old array runs into that size and faults on it (SIGSEGV at a small
 *   address such as 0x130), instead of only readers that happen to be at slots 0 and 1, which is all a
 *   tcache free overwrites. For execve the tcache free is the better shape: the kernel reads slot 0 last.
 */
#define SHAPE_MIN_NAMES 16
#define TCACHE_MAX_BYTES 1032 /* glibc's default largest tcache chunk payload on 64-bit */

static void add_pad(long *padded) {
  char name[32];
  snprintf(name, sizeof name, "ENVRACE_PAD_%ld", *padded);
  setenv(name, "1", 1);
  (*padded)++;
}

static void shape_environment(enum shape shape) {
  long before = count_environ();
  long padded = 0, chunks = 0, classes = 0;
  for (int i = 0; i < cfg.adds; i++) unsetenv(names[i]);
  if (shape != SHAPE_NONE || cfg.writer == WRITER_OVERWRITE) add_pad(&padded);
  if (shape != SHAPE_NONE) {
    while (count_environ() < SHAPE_MIN_NAMES) add_pad(&padded);
    if (count_environ() % 2 != 0) add_pad(&padded);
  }
#if defined(__GLIBC__)
  if (shape == SHAPE_TCACHE) {
    long c = count_environ();
    for (int j = 0; j <= cfg.adds / 2 + 1; j++) {
      size_t bytes = (size_t)(c + 1 + 2 * j) * sizeof(char *);
      if (bytes > TCACHE_MAX_BYTES) break;
      void *hold[7];
      for (int k = 0; k < 7; k++) hold[k] = malloc(bytes);
      for (int k = 0; k < 7; k++) free(hold[k]);
      chunks += 7;
      classes++;
    }
  }
#endif
  if (cfg.writer == WRITER_OVERWRITE) {
    /* The overwrite writer only replaces values of names that exist: make sure they do. */
    for (int i = 0; i < cfg.adds; i++) setenv(names[i], "0", 1);
  }
  sh->env_before = before;
  sh->env_after = count_environ();
  sh->padded = padded;
  sh->tcache_chunks = chunks;
  sh->tcache_classes = classes;
}

/* ---------------------------------------------------------------- one trial, in a forked child */

static void busy_wait_ns(long ns) {
  if (ns <= 0) return;
  int64_t until = now_ns() + ns;
  while (now_ns() < until) {
  }
}

static void run_trial_child(int mode, pid_t parent, enum shape shape, int nreaders, long pace_ns) {
#if defined(__linux__)
  prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
  if (getppid() != parent) _exit(CHILD_SETUP);
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);

  /* Hard deadline: SIGALRM's default action ends the child even if a thread is stuck. */
  signal(SIGALRM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  struct itimerval it;
  memset(&it, 0, sizeof it);
  it.it_value.tv_sec = cfg.trial_ms / 1000;
  it.it_value.tv_usec = (cfg.trial_ms % 1000) * 1000;
  setitimer(ITIMER_REAL, &it, NULL);

  char **initial = environ; /* the array the process started with: moving away from it frees nothing */
  shape_environment(shape);
  sh->last_seen_environ = environ;

  pthread_t threads[MAX_READERS];
  struct exec_reader_arg args[MAX_READERS];
  int apis[3], napis = 0;
  for (int i = 0; i < 3; i++)
    if (cfg.apis[i]) apis[napis++] = API_POSIX_SPAWN + i;
  int started = 0;
  for (int i = 0; i < nreaders; i++) {
    int rc;
    if (mode == MODE_GETENV) {
      rc = pthread_create(&threads[i], NULL, getenv_reader, NULL);
    } else {
      args[i].api = apis[i % napis];
      args[i].index = i;
      rc = pthread_create(&threads[i], NULL, exec_reader, &args[i]);
    }
    if (rc != 0) break;
    started++;
  }
  if (started == 0) _exit(CHILD_SETUP);
  while (atomic_load(&readers_ready) < started) sched_yield();
  tl_is_writer = 1;
  for (int i = 0; i < cfg.adds; i++) {
    if (cfg.control) {
      busy_wait_ns(pace_ns > 0 ? pace_ns : 300);
      continue;
    }
    char **before = environ;
    setenv(names[i], cfg.writer == WRITER_ADD ? "1" : (i % 2 ? "2" : "3"), 1);
    atomic_fetch_add(&sh->adds, 1);
    if (environ != before && before != initial) atomic_fetch_add(&sh->moves, 1);
    sh->last_seen_environ = environ;
    busy_wait_ns(pace_ns);
  }
  tl_is_writer = 0;
  atomic_store(&stop_flag, 1);
  for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
  _exit(atomic_load(&sh->failed) ? CHILD_FAILED : CHILD_OK);
}

/* ---------------------------------------------------------------- the trial loop, in the parent */

static int default_readers(int mode) {
  if (cfg.readers > 0) return cfg.readers;
  if (mode == MODE_EXEC) {
    int n = cfg.apis[0] + cfg.apis[1] + cfg.apis[2];
    return n > 0 ? n : 1;
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  int n = cpus > 1 ? (int)cpus - 1 : 1;
  return n > MAX_READERS ? MAX_READERS : n;
}

static long default_pace(int mode) {
  if (cfg.pace_ns >= 0) return cfg.pace_ns;
  return mode == MODE_EXEC ? 20000 : 0;
}

static enum shape default_shape(int mode) {
  if (!cfg.shape_auto) return cfg.shape;
  (void)mode;
#if defined(__GLIBC__)
  return SHAPE_TCACHE;
#else
  return SHAPE_PAD; /* the tcache exists only in glibc's allocator */
#endif
}

/* The parent blocks in waitpid(); a SIGALRM handler enforces the trial's hard deadline from outside. */
static volatile pid_t watched_child;
static volatile sig_atomic_t watched_timed_out;

static void on_parent_alarm(int sig) {
  (void)sig;
  if (watched_child > 0) {
    watched_timed_out = 1;
    kill(watched_child, SIGKILL);
  }
}

/* Interrupted (Ctrl-C, kill): end the running trial and remove the private directory before dying. */
static char private_dir[PATH_MAX];

static void on_parent_terminate(int sig) {
  if (watched_child > 0) kill(watched_child, SIGKILL);
  if (private_dir[0]) rmdir(private_dir);
  signal(sig, SIG_DFL);
  raise(sig);
}

static int wait_child(pid_t pid, int *status, long deadline_ms) {
  struct itimerval it;
  memset(&it, 0, sizeof it);
  it.it_value.tv_sec = deadline_ms / 1000;
  it.it_value.tv_usec = (deadline_ms % 1000) * 1000;
  watched_timed_out = 0;
  watched_child = pid;
  setitimer(ITIMER_REAL, &it, NULL);
  pid_t r;
  while ((r = waitpid(pid, status, 0)) < 0 && errno == EINTR) {
  }
  memset(&it, 0, sizeof it);
  setitimer(ITIMER_REAL, &it, NULL);
  watched_child = 0;
  if (r < 0) return -1;
  return watched_timed_out ? 1 : 0;
}

static void run_mode(int mode, struct run_result *r) {
  memset(r, 0, sizeof *r);
  r->mode = mode;
  current_mode = mode;
  r->shape = default_shape(mode);
  r->readers = default_readers(mode);
  r->pace_ns = default_pace(mode);
  r->first_failure_trial = -1;
  pid_t self = getpid();
  mode_t0 = now_ns();
  int64_t budget = (int64_t)(cfg.seconds * 1e9);
  for (;;) {
    if (cfg.trials > 0 && r->trials >= cfg.trials) break;
    if (now_ns() - mode_t0 >= budget) break;
    memset(sh, 0, sizeof *sh);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
      r->setup_errors++;
      break;
    }
    if (pid == 0) {
      run_trial_child(mode, self, r->shape, r->readers, r->pace_ns);
      _exit(CHILD_OK);
    }
    int st = 0;
    int timed_out = wait_child(pid, &st, cfg.trial_ms + 1000);
    r->trials++;
    if (r->trials == 1) {
      r->env_before = sh->env_before;
      r->env_after = sh->env_after;
      r->padded = sh->padded;
      r->tcache_chunks = sh->tcache_chunks;
      r->tcache_classes = sh->tcache_classes;
    }
    r->moves += atomic_load(&sh->moves);
    r->adds += atomic_load(&sh->adds);
    r->reader_ops += atomic_load(&sh->reader_ops);
    r->other_errors += atomic_load(&sh->other_errors);
    if (atomic_load(&sh->other_errors)) r->last_other_errno = atomic_load(&sh->last_other_errno);
    int failed = 0;
    if (timed_out == 1 || (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)) {
      r->timeouts++;
    } else if (WIFEXITED(st) && WEXITSTATUS(st) == CHILD_FAILED && atomic_load(&sh->failed)) {
      failed = 1;
    } else if (WIFEXITED(st) && WEXITSTATUS(st) == CHILD_SETUP) {
      r->setup_errors++;
    } else if (WIFSIGNALED(st)) {
      /* A signal the handler did not catch (an abort from the allocator's own checks, say). */
      failed = 1;
      r->abnormal++;
      if (!atomic_load(&sh->failed)) {
        sh->kind = KIND_SIGNAL;
        sh->signo = WTERMSIG(st);
        sh->api = API_NONE;
        sh->t_ns = now_ns();
      }
    } else if (!(WIFEXITED(st) && WEXITSTATUS(st) == CHILD_OK)) {
      r->setup_errors++;
    }
    if (failed) {
      r->failures++;
      if (r->first_failure_trial < 0) {
        r->first_failure_trial = r->trials;
        r->first = *sh;
        r->ttf_ms = (double)(sh->t_ns - mode_t0) / 1e6;
      }
      if (!cfg.keep_going) break;
    }
  }
  r->elapsed_ms = (double)(now_ns() - mode_t0) / 1e6;
  if (r->failures > 0)
    r->verdict = "confirmed";
  else if (r->trials == 0 || r->setup_errors + r->timeouts >= r->trials)
    r->verdict = "error";
  else if (!cfg.control && r->moves == 0)
    r->verdict = "inconclusive";
  else
    r->verdict = "not-reproduced";
}

/* ---------------------------------------------------------------- facts about this machine */

struct facts {
  char libc_name[32], libc_version[64], arch[72], kernel[128], os[72];
  long cpus;
  int glibc_major, glibc_minor;
  const char *ld_preload, *tunables, *malloc_so;
};

/* ISO C has no conversion from function to object pointers; POSIX guarantees they have the same size. */
static void *function_address(void (*fn)(void)) {
  void *p;
  memcpy(&p, &fn, sizeof p);
  return p;
}

#if !defined(__GLIBC__) && !defined(__APPLE__)
/* musl's dynamic loader is its libc; run without arguments it prints "Version 1.2.3" on stderr. */
static void musl_version(const char *loader, char *out, size_t size) {
  int fds[2];
  if (pipe(fds) != 0) return;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  char *argv[] = {(char *)loader, NULL};
  char *envp[] = {NULL};
  pid_t pid;
  int rc = posix_spawn(&pid, loader, &fa, NULL, argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc == 0) {
    char buf[512];
    size_t n = 0;
    ssize_t k;
    while (n < sizeof buf - 1 && (k = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)k;
    buf[n] = 0;
    const char *v = strstr(buf, "Version ");
    if (v) {
      v += 8;
      size_t len = strcspn(v, "\n");
      if (len > 0 && len < size) {
        memcpy(out, v, len);
        out[len] = 0;
      }
    }
    waitpid(pid, NULL, 0);
  }
  close(fds[0]);
}
#endif

static void gather_facts(struct facts *f) {
  memset(f, 0, sizeof *f);
  struct utsname u;
  if (uname(&u) == 0) {
    snprintf(f->arch, sizeof f->arch, "%s", u.machine);
    snprintf(f->kernel, sizeof f->kernel, "%s", u.release);
    snprintf(f->os, sizeof f->os, "%s", u.sysname);
  }
  f->cpus = sysconf(_SC_NPROCESSORS_ONLN);
  f->ld_preload = getenv("LD_PRELOAD");
  f->tunables = getenv("GLIBC_TUNABLES");
  f->malloc_so = NULL;
  static Dl_info info;
  if (&dladdr != NULL && dladdr(function_address((void (*)(void))malloc), &info) != 0 && info.dli_fname) f->malloc_so = info.dli_fname;
#if defined(__GLIBC__)
  snprintf(f->libc_name, sizeof f->libc_name, "glibc");
  snprintf(f->libc_version, sizeof f->libc_version, "%s", gnu_get_libc_version());
  sscanf(f->libc_version, "%d.%d", &f->glibc_major, &f->glibc_minor);
#elif defined(__APPLE__)
  snprintf(f->libc_name, sizeof f->libc_name, "libSystem");
#elif defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
  snprintf(f->libc_name, sizeof f->libc_name, "bsd-libc");
#else
  /* musl defines no identifying macro on purpose; its dynamic loader is also its libc. */
  Dl_info libc_info;
  if (&dladdr != NULL && dladdr(function_address((void (*)(void))getenv), &libc_info) != 0 && libc_info.dli_fname && strstr(libc_info.dli_fname, "musl")) {
    snprintf(f->libc_name, sizeof f->libc_name, "musl");
    musl_version(libc_info.dli_fname, f->libc_version, sizeof f->libc_version);
  } else if (f->malloc_so && strstr(f->malloc_so, "musl"))
    snprintf(f->libc_name, sizeof f->libc_name, "musl");
#if defined(__linux__)
  else if (!f->malloc_so)
    snprintf(f->libc_name, sizeof f->libc_name, "musl"); /* static linking without glibc: musl is the usual one */
#endif
  else
    snprintf(f->libc_name, sizeof f->libc_name, "unknown");
#endif
  if (!f->libc_version[0]) snprintf(f->libc_version, sizeof f->libc_version, "unknown");
}

/* ---------------------------------------------------------------- output */

static const char *errno_name(int e) {
  switch (e) {
  case EFAULT: return "EFAULT";
  case ENOENT: return "ENOENT";
  case EACCES: return "EACCES";
  case ENOMEM: return "ENOMEM";
  case EAGAIN: return "EAGAIN";
  case E2BIG: return "E2BIG";
  case EINVAL: return "EINVAL";
  case ENOEXEC: return "ENOEXEC";
  case EPERM: return "EPERM";
  default: return "E?";
  }
}

static const char *signal_name(int s) {
  switch (s) {
  case SIGSEGV: return "SIGSEGV";
  case SIGBUS: return "SIGBUS";
  case SIGABRT: return "SIGABRT";
  case SIGILL: return "SIGILL";
  case SIGFPE: return "SIGFPE";
  case SIGKILL: return "SIGKILL";
  case SIGALRM: return "SIGALRM";
  default: return "SIG?";
  }
}

static const char *sicode_name(int sig, int code) {
  if (sig == SIGSEGV) {
    if (code == SEGV_MAPERR) return "SEGV_MAPERR";
    if (code == SEGV_ACCERR) return "SEGV_ACCERR";
  }
  if (sig == SIGBUS) {
    if (code == BUS_ADRALN) return "BUS_ADRALN";
    if (code == BUS_ADRERR) return "BUS_ADRERR";
  }
#if defined(SI_KERNEL)
  if (code == SI_KERNEL) return "SI_KERNEL";
#endif
  return "other";
}

static void json_string(FILE *o, const char *s) {
  if (!s) {
    fputs("null", o);
    return;
  }
  fputc('"', o);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(o, "\\%c", *p);
    else if (*p < 0x20) fprintf(o, "\\u%04x", *p);
    else fputc(*p, o);
  }
  fputc('"', o);
}

static const char *mode_label(int m) { return m == MODE_EXEC ? "exec" : "getenv"; }

static const char *overall_verdict(const struct run_result *rs, int n) {
  int confirmed = 0, error = 0, inconclusive = 0;
  for (int i = 0; i < n; i++) {
    if (!strcmp(rs[i].verdict, "confirmed")) confirmed = 1;
    else if (!strcmp(rs[i].verdict, "error")) error = 1;
    else if (!strcmp(rs[i].verdict, "inconclusive")) inconclusive = 1;
  }
  if (confirmed) return "confirmed";
  if (error) return "error";
  if (inconclusive) return "inconclusive";
  return "not-reproduced";
}

static int verdict_exit(const char *v) {
  if (!strcmp(v, "confirmed")) return EXIT_CONFIRMED;
  if (!strcmp(v, "inconclusive")) return EXIT_INCONCLUSIVE;
  if (!strcmp(v, "error")) return EXIT_ERROR;
  return EXIT_NOT_REPRODUCED;
}

#define MAX_NOTES 8
static const char *notes[MAX_NOTES];
static int nnotes;
static char note_buf[MAX_NOTES][512];

static void add_note(const char *fmt, ...) {
  if (nnotes >= MAX_NOTES) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(note_buf[nnotes], sizeof note_buf[nnotes], fmt, ap);
  va_end(ap);
  notes[nnotes] = note_buf[nnotes];
  nnotes++;
}

static void build_notes(const struct facts *f, const struct run_result *rs, int n) {
  int glibc_keeps = f->glibc_major > 2 || (f->glibc_major == 2 && f->glibc_minor >= 41);
  if (cfg.control) add_note("control run: the readers ran without the writer; any failure here means the workload itself fails and nothing can be attributed to the race");
  if (glibc_keeps)
    add_note("glibc %s never frees old environ arrays (since 2.41): getenv no longer reads freed memory, so expect no crash in getenv mode, and no EFAULT from this add-only writer in exec mode; execve, system and posix_spawn still race with unsetenv, which this reproducer does not exercise, and glibc 2.40 or older, musl and macOS keep the old behaviour", f->libc_version);
  for (int i = 0; i < n; i++) {
    if (!strcmp(rs[i].verdict, "inconclusive"))
      add_note("%s mode: the environ array never moved (%s writer), so freed memory was never read; this is not evidence of safety", mode_label(rs[i].mode), cfg.writer == WRITER_ADD ? "add" : "overwrite");
  }
  if (cfg.emulated_by)
    add_note("ran under %s: an emulator has neither the target's timing nor its memory model, and qemu-user runs vfork/posix_spawn children as copies, which narrows the exec race; times here say nothing about real hardware, so confirm there", cfg.emulated_by);
  if (f->ld_preload && f->ld_preload[0]) add_note("LD_PRELOAD is set: a preloaded allocator decides what reading a freed array does");
  if (f->malloc_so && !strstr(f->malloc_so, "libc.so") && !strstr(f->malloc_so, "libc.musl") && !strstr(f->malloc_so, "ld-musl") && !strstr(f->malloc_so, "libsystem"))
    add_note("malloc resolves to %s, not the C library's allocator", f->malloc_so);
}

static void describe_failure(char *buf, size_t size, const struct run_result *r) {
  const struct shared *s = &r->first;
  const char *api = api_names[s->api >= 0 && s->api <= API_WRITER ? s->api : 0];
  if (s->kind == KIND_ERRNO)
    snprintf(buf, size, "%s failed with %s (%s)", api, errno_name(s->err), strerror(s->err));
  else if (s->kind == KIND_STATUS)
    snprintf(buf, size, "%s returned status %d (exit %d)", api, s->status, WIFEXITED(s->status) ? WEXITSTATUS(s->status) : -1);
  else if (r->abnormal && s->api == API_NONE)
    snprintf(buf, size, "trial killed by %s", signal_name(s->signo));
#if defined(SI_KERNEL)
  else if (s->sicode == SI_KERNEL && s->addr == 0)
    /* x86-64 raises a general protection fault for a non-canonical pointer and cannot say which one */
    snprintf(buf, size, "%s in %s at a non-canonical address (reported as 0x0, SI_KERNEL)", signal_name(s->signo), s->thread_is_writer ? "the writer" : api);
#endif
  else
    snprintf(buf, size, "%s in %s at 0x%lx (%s)", signal_name(s->signo), s->thread_is_writer ? "the writer" : api, (unsigned long)s->addr,
             sicode_name(s->signo, s->sicode));
}

static void print_text(const struct facts *f, const struct run_result *rs, int n, const char *verdict) {
  const char *headline = !strcmp(verdict, "confirmed") ? (cfg.control ? "CONFIRMED (control: the workload fails without a writer)" : "CONFIRMED: a concurrent setenv made a reader fail")
                         : !strcmp(verdict, "inconclusive") ? "INCONCLUSIVE: the environ array never moved, so the race was not exercised"
                         : !strcmp(verdict, "error") ? "ERROR: the trials could not run"
                         : cfg.control ? "NOT REPRODUCED (control run, as expected)" : "NOT REPRODUCED within the budget";
  printf("envrace repro: %s\n", headline);
  for (int i = 0; i < n; i++) {
    const struct run_result *r = &rs[i];
    printf("  %-7s %-15s ", mode_label(r->mode), r->verdict);
    if (r->failures > 0) {
      char what[256];
      describe_failure(what, sizeof what, r);
      printf("%s after %.2f ms (trial %ld)\n", what, r->ttf_ms, r->first_failure_trial);
    } else {
      printf("no failure in %.0f ms\n", r->elapsed_ms);
    }
    printf("          %ld trials, %ld failures, %ld environ moves, %ld timeouts", r->trials, r->failures, r->moves, r->timeouts);
    if (r->other_errors) printf(", %ld other errors (last %s)", r->other_errors, errno_name(r->last_other_errno));
    printf("\n          %d %s readers, writer %s", r->readers, r->mode == MODE_EXEC ? "exec" : "getenv",
           cfg.control ? "idle (control)" : cfg.writer == WRITER_ADD ? "adds new names" : "overwrites existing names");
    printf("; shaping %s: environ %ld -> %ld entries", shape_names[r->shape], r->env_before, r->env_after);
    if (r->tcache_chunks) printf(", %ld chunks cached in %ld size classes", r->tcache_chunks, r->tcache_classes);
    printf("\n");
  }
  printf("system:    %s %s, %s, %ld CPUs, %s %s\n", f->libc_name, f->libc_version, f->arch, f->cpus, f->os, f->kernel);
  printf("allocator: malloc in %s; LD_PRELOAD %s; GLIBC_TUNABLES %s\n", f->malloc_so ? f->malloc_so : "(unknown)",
         f->ld_preload && f->ld_preload[0] ? f->ld_preload : "unset", f->tunables && f->tunables[0] ? f->tunables : "unset");
  for (int i = 0; i < nnotes; i++) printf("note: %s\n", notes[i]);
}

/* Whether glibc's sizing rule says the first new name moves the array (null where that rule does not apply). */
static const char *next_add_moves(const struct run_result *r) {
#if defined(__GLIBC__)
  if (r->shape == SHAPE_NONE || cfg.writer != WRITER_ADD) return "false";
  return r->env_after % 2 == 0 ? "true" : "false";
#else
  (void)r;
  return "null";
#endif
}

static void json_num_or_null(FILE *o, int present, double v, int decimals) {
  if (!present) fputs("null", o);
  else fprintf(o, "%.*f", decimals, v);
}

static void print_json(const struct facts *f, const struct run_result *rs, int n, const char *verdict) {
  FILE *o = stdout;
  fprintf(o, "{\n  \"tool\": \"envrace-repro\",\n  \"reproducerVersion\": \"%s\",\n  \"verdict\": \"%s\",\n  \"exitCode\": %d,\n", REPRO_VERSION, verdict, verdict_exit(verdict));
  fprintf(o, "  \"mode\": ");
  json_string(o, cfg.mode_name);
  fprintf(o, ",\n  \"control\": %s,\n", cfg.control ? "true" : "false");
  fprintf(o, "  \"budget\": {\"seconds\": %g, \"trials\": %ld, \"trialMs\": %ld, \"keepGoing\": %s},\n", cfg.seconds, cfg.trials, cfg.trial_ms, cfg.keep_going ? "true" : "false");
  fprintf(o, "  \"workload\": {\"writer\": \"%s\", \"adds\": %d, \"variables\": [", cfg.control ? "none" : cfg.writer == WRITER_ADD ? "add" : "overwrite", cfg.adds);
  for (int i = 0; i < cfg.nvars; i++) {
    if (i) fputs(", ", o);
    json_string(o, cfg.vars[i]);
  }
  fprintf(o, "], \"absentName\": ");
  json_string(o, cfg.absent);
  fprintf(o, ", \"execApis\": [");
  int first = 1;
  for (int i = 0; i < 3; i++)
    if (cfg.apis[i]) {
      fprintf(o, "%s\"%s\"", first ? "" : ", ", api_names[API_POSIX_SPAWN + i]);
      first = 0;
    }
  fprintf(o, "], \"program\": ");
  json_string(o, cfg.true_path);
  fprintf(o, "},\n  \"runs\": [");
  for (int i = 0; i < n; i++) {
    const struct run_result *r = &rs[i];
    const struct shared *s = &r->first;
    fprintf(o, "%s\n    {\"mode\": \"%s\", \"verdict\": \"%s\", \"trials\": %ld, \"failures\": %ld, \"timeouts\": %ld, \"otherErrors\": %ld, ", i ? "," : "",
            mode_label(r->mode), r->verdict, r->trials, r->failures, r->timeouts, r->other_errors);
    fprintf(o, "\"environMoves\": %ld, \"environAdds\": %ld, \"readerOps\": %ld, \"readers\": %d, \"paceNs\": %ld, \"elapsedMs\": %.3f, \"timeToFirstFailureMs\": ",
            r->moves, r->adds, r->reader_ops, r->readers, r->pace_ns, r->elapsed_ms);
    json_num_or_null(o, r->failures > 0, r->ttf_ms, 3);
    fprintf(o, ", \"firstFailureTrial\": ");
    json_num_or_null(o, r->failures > 0, (double)r->first_failure_trial, 0);
    fprintf(o, ", \"uncaughtSignals\": %ld", r->abnormal);
    fprintf(o, ",\n     \"shaping\": {\"requested\": \"%s\", \"strategy\": \"%s\", \"environBefore\": %ld, \"environAfter\": %ld, \"padded\": %ld, \"nextAddMoves\": %s, \"tcacheChunks\": %ld, \"tcacheSizeClasses\": %ld},\n",
            cfg.shape_auto ? "auto" : shape_names[cfg.shape], shape_names[r->shape], r->env_before, r->env_after, r->padded, next_add_moves(r), r->tcache_chunks, r->tcache_classes);
    fprintf(o, "     \"failure\": ");
    if (r->failures == 0) {
      fputs("null}", o);
      continue;
    }
    char what[256];
    describe_failure(what, sizeof what, r);
    fprintf(o, "{\"kind\": \"%s\", \"api\": \"%s\", \"thread\": \"%s\", \"description\": ", s->kind == KIND_ERRNO ? "errno" : s->kind == KIND_STATUS ? "status" : "signal",
            api_names[s->api >= 0 && s->api <= API_WRITER ? s->api : 0], s->thread_is_writer ? "writer" : (r->abnormal && s->api == API_NONE ? "unknown" : "reader"));
    json_string(o, what);
    fprintf(o, ", \"errno\": ");
    if (s->kind == KIND_ERRNO) {
      fprintf(o, "%d, \"errnoName\": \"%s\"", s->err, errno_name(s->err));
    } else {
      fputs("null, \"errnoName\": null", o);
    }
    fprintf(o, ", \"status\": ");
    json_num_or_null(o, s->kind == KIND_STATUS, s->status, 0);
    fprintf(o, ", \"signal\": ");
    json_num_or_null(o, s->kind == KIND_SIGNAL, s->signo, 0);
    fprintf(o, ", \"signalName\": ");
    json_string(o, s->kind == KIND_SIGNAL ? signal_name(s->signo) : NULL);
    fprintf(o, ", \"address\": ");
    if (s->kind == KIND_SIGNAL && !(r->abnormal && s->api == API_NONE)) {
      char addr[32];
      snprintf(addr, sizeof addr, "0x%lx", (unsigned long)s->addr);
      json_string(o, addr);
      fprintf(o, ", \"siCode\": \"%s\"}}", sicode_name(s->signo, s->sicode));
    } else {
      fputs("null, \"siCode\": null}}", o);
    }
  }
  fprintf(o, "\n  ],\n  \"system\": {\"libc\": {\"name\": ");
  json_string(o, f->libc_name);
  fprintf(o, ", \"version\": ");
  json_string(o, f->libc_version);
  fprintf(o, "}, \"arch\": ");
  json_string(o, f->arch);
  fprintf(o, ", \"cpus\": %ld, \"os\": ", f->cpus);
  json_string(o, f->os);
  fprintf(o, ", \"kernel\": ");
  json_string(o, f->kernel);
  fprintf(o, ", \"emulatedBy\": ");
  json_string(o, cfg.emulated_by);
  fprintf(o, ",\n    \"allocator\": {\"ldPreload\": ");
  json_string(o, f->ld_preload && f->ld_preload[0] ? f->ld_preload : NULL);
  fprintf(o, ", \"mallocIn\": ");
  json_string(o, f->malloc_so);
  fprintf(o, ", \"glibcTunables\": ");
  json_string(o, f->tunables && f->tunables[0] ? f->tunables : NULL);
  fprintf(o, "}},\n  \"notes\": [");
  for (int i = 0; i < nnotes; i++) {
    fputs(i ? ", " : "", o);
    json_string(o, notes[i]);
  }
  fprintf(o, "]\n}\n");
}

/* ---------------------------------------------------------------- options */

static void usage(FILE *o) {
  fprintf(o,
          "usage: envrace-repro [options]\n"
          "  --mode auto|exec|getenv   what the reader threads do (default auto: both)\n"
          "  --control                 same workload without the writer (must never confirm)\n"
          "  --seconds S               time budget per mode (default 2)\n"
          "  --trials N                stop after N trials per mode (default: as many as fit)\n"
          "  --trial-ms MS             hard deadline of one trial (default 1000)\n"
          "  --keep-going              keep running after the first failure, to count failures\n"
          "  --readers N               reader threads (default: exec 1 per API, getenv CPUs-1)\n"
          "  --adds N                  new names the writer adds per trial (default 64)\n"
          "  --pace-ns NS              writer pause between adds (default: exec 20000, getenv 0)\n"
          "  --var NAME                first name the writer adds (repeatable, up to 8)\n"
          "  --absent NAME             name the getenv readers look up (default ENVRACE_REPRO_ABSENT)\n"
          "  --api LIST                exec readers: posix_spawn,system,vfork (default all three)\n"
          "  --writer add|overwrite    add new names (moves the array) or only overwrite existing ones\n"
          "  --shape auto|none|pad|tcache   how the heap is prepared before racing (default auto)\n"
          "  --emulated-by NAME        label the verdict as produced under an emulator\n"
          "  --format text|json        output format (default text)\n"
          "  --version, --help\n"
          "exit status: 0 not reproduced, 1 confirmed, 2 error or usage, 3 inconclusive\n");
}

static void bad_usage(const char *fmt, const char *arg) {
  fprintf(stderr, "envrace-repro: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n");
  usage(stderr);
  exit(EXIT_ERROR);
}

static long parse_long(const char *opt, const char *s, long lo, long hi) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) bad_usage("invalid value for %s", opt);
  return v;
}

static int valid_name(const char *s) {
  if (!*s || strlen(s) > 64) return 0;
  for (const char *p = s; *p; p++)
    if (*p == '=' || *p <= ' ' || *p > '~') return 0;
  return 1;
}

static void parse_args(int argc, char **argv) {
  memset(&cfg, 0, sizeof cfg);
  cfg.mode_name = "auto";
  cfg.seconds = 2;
  cfg.trial_ms = 1000;
  cfg.adds = 64;
  cfg.pace_ns = -1;
  cfg.shape_auto = 1;
  cfg.absent = "ENVRACE_REPRO_ABSENT";
  cfg.apis[0] = cfg.apis[1] = cfg.apis[2] = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = NULL;
    char optbuf[64];
    const char *eq = strchr(a, '=');
    if (!strncmp(a, "--", 2) && eq && (size_t)(eq - a) < sizeof optbuf) {
      memcpy(optbuf, a, (size_t)(eq - a));
      optbuf[eq - a] = 0;
      v = eq + 1;
      a = optbuf;
    }
#define FLAG(name) (!strcmp(a, name) && !v)
#define VALUE(name) (!strcmp(a, name) && (v || (i + 1 < argc ? (v = argv[++i], 1) : (bad_usage("%s needs a value", name), 0))))
    if (FLAG("--help") || FLAG("-h")) {
      usage(stdout);
      exit(0);
    } else if (FLAG("--version")) {
      printf("envrace-repro %s\n", REPRO_VERSION);
      exit(0);
    } else if (FLAG("--control")) {
      cfg.control = 1;
    } else if (FLAG("--keep-going")) {
      cfg.keep_going = 1;
    } else if (VALUE("--mode")) {
      if (strcmp(v, "auto") && strcmp(v, "exec") && strcmp(v, "getenv")) bad_usage("unknown mode '%s' (auto, exec, getenv)", v);
      cfg.mode_name = v;
    } else if (VALUE("--seconds")) {
      char *end;
      cfg.seconds = strtod(v, &end);
      if (end == v || *end || !(cfg.seconds > 0) || cfg.seconds > 3600) bad_usage("invalid value for %s", "--seconds");
    } else if (VALUE("--trials")) {
      cfg.trials = parse_long("--trials", v, 1, 100000000);
    } else if (VALUE("--trial-ms")) {
      cfg.trial_ms = parse_long("--trial-ms", v, 10, 600000);
    } else if (VALUE("--readers")) {
      cfg.readers = (int)parse_long("--readers", v, 1, MAX_READERS);
    } else if (VALUE("--adds")) {
      cfg.adds = (int)parse_long("--adds", v, 1, MAX_ADDS);
    } else if (VALUE("--pace-ns")) {
      cfg.pace_ns = parse_long("--pace-ns", v, 0, 100000000);
    } else if (VALUE("--var")) {
      if (!valid_name(v)) bad_usage("invalid variable name '%s'", v);
      if (cfg.nvars >= 8) bad_usage("at most 8 --var options%s", "");
      cfg.vars[cfg.nvars++] = v;
    } else if (VALUE("--absent")) {
      if (!valid_name(v)) bad_usage("invalid variable name '%s'", v);
      cfg.absent = v;
    } else if (VALUE("--api")) {
      cfg.apis[0] = cfg.apis[1] = cfg.apis[2] = 0;
      char list[128];
      snprintf(list, sizeof list, "%s", v);
      for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "posix_spawn")) cfg.apis[0] = 1;
        else if (!strcmp(t, "system")) cfg.apis[1] = 1;
        else if (!strcmp(t, "vfork") || !strcmp(t, "vfork+execve") || !strcmp(t, "execve")) cfg.apis[2] = 1;
        else bad_usage("unknown exec API '%s' (posix_spawn, system, vfork)", t);
      }
      if (!cfg.apis[0] && !cfg.apis[1] && !cfg.apis[2]) bad_usage("--api needs at least one API%s", "");
    } else if (VALUE("--writer")) {
      if (!strcmp(v, "add")) cfg.writer = WRITER_ADD;
      else if (!strcmp(v, "overwrite")) cfg.writer = WRITER_OVERWRITE;
      else bad_usage("unknown writer '%s' (add, overwrite)", v);
    } else if (VALUE("--shape")) {
      cfg.shape_auto = 0;
      if (!strcmp(v, "auto")) cfg.shape_auto = 1;
      else if (!strcmp(v, "none")) cfg.shape = SHAPE_NONE;
      else if (!strcmp(v, "pad")) cfg.shape = SHAPE_PAD;
      else if (!strcmp(v, "tcache")) cfg.shape = SHAPE_TCACHE;
      else bad_usage("unknown shaping '%s' (auto, none, pad, tcache)", v);
    } else if (VALUE("--emulated-by")) {
      cfg.emulated_by = v;
    } else if (VALUE("--format")) {
      if (!strcmp(v, "json")) cfg.json = 1;
      else if (!strcmp(v, "text")) cfg.json = 0;
      else bad_usage("unknown format '%s' (text, json)", v);
    } else {
      bad_usage("unknown option '%s'", argv[i]);
    }
#undef FLAG
#undef VALUE
  }
  if (!strcmp(cfg.mode_name, "exec")) {
    cfg.modes[0] = MODE_EXEC;
    cfg.nmodes = 1;
  } else if (!strcmp(cfg.mode_name, "getenv")) {
    cfg.modes[0] = MODE_GETENV;
    cfg.nmodes = 1;
  } else {
    cfg.modes[0] = MODE_EXEC;
    cfg.modes[1] = MODE_GETENV;
    cfg.nmodes = 2;
  }
}

/* The writer's names: the --var names first (the finding's own variables), then numbered ones. */
static void make_names(void) {
  const char *base = cfg.nvars ? cfg.vars[0] : "ENVRACE_REPRO";
  int n = 0;
  for (int i = 0; i < cfg.nvars && n < cfg.adds; i++) snprintf(names[n++], MAX_NAME, "%s", cfg.vars[i]);
  for (int k = 0; n < cfg.adds; k++) snprintf(names[n++], MAX_NAME, "%s_ENVRACE_%d", base, k);
}

int main(int argc, char **argv) {
  parse_args(argc, argv);
  make_names();
  cfg.true_path = access("/bin/true", X_OK) == 0 ? "/bin/true" : access("/usr/bin/true", X_OK) == 0 ? "/usr/bin/true" : NULL;
  int needs_exec = cfg.modes[0] == MODE_EXEC || (cfg.nmodes > 1 && cfg.modes[1] == MODE_EXEC);
  if (needs_exec && !cfg.true_path) {
    fprintf(stderr, "envrace-repro: exec mode needs /bin/true or /usr/bin/true\n");
    return EXIT_ERROR;
  }
  true_argv[0] = (char *)(cfg.true_path ? cfg.true_path : "true");
  true_argv[1] = NULL;

  sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) {
    fprintf(stderr, "envrace-repro: mmap: %s\n", strerror(errno));
    return EXIT_ERROR;
  }

  /* Private working directory: the only place a trial could write to. */
  const char *tmp = getenv("TMPDIR");
  char dir[PATH_MAX - 1];
  snprintf(dir, sizeof dir, "%s/envrace-repro-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
  if (!mkdtemp(dir)) {
    snprintf(dir, sizeof dir, "/tmp/envrace-repro-XXXXXX");
    if (!mkdtemp(dir)) {
      fprintf(stderr, "envrace-repro: cannot create a private temporary directory: %s\n", strerror(errno));
      return EXIT_ERROR;
    }
  }
  if (chdir(dir) != 0) {
    fprintf(stderr, "envrace-repro: chdir %s: %s\n", dir, strerror(errno));
    rmdir(dir);
    return EXIT_ERROR;
  }

  struct sigaction alarm_sa;
  memset(&alarm_sa, 0, sizeof alarm_sa);
  alarm_sa.sa_handler = on_parent_alarm;
  sigemptyset(&alarm_sa.sa_mask);
  sigaction(SIGALRM, &alarm_sa, NULL);
  snprintf(private_dir, sizeof private_dir, "%s", dir);
  struct sigaction term_sa;
  memset(&term_sa, 0, sizeof term_sa);
  term_sa.sa_handler = on_parent_terminate;
  sigemptyset(&term_sa.sa_mask);
  sigaction(SIGINT, &term_sa, NULL);
  sigaction(SIGTERM, &term_sa, NULL);
  sigaction(SIGHUP, &term_sa, NULL);

  struct facts f;
  gather_facts(&f);
  struct run_result rs[2];
  for (int i = 0; i < cfg.nmodes; i++) run_mode(cfg.modes[i], &rs[i]);
  if (chdir("/") == 0) rmdir(dir);
  private_dir[0] = 0;

  const char *verdict = overall_verdict(rs, cfg.nmodes);
  build_notes(&f, rs, cfg.nmodes);
  if (cfg.json) print_json(&f, rs, cfg.nmodes, verdict);
  else print_text(&f, rs, cfg.nmodes, verdict);
  fflush(stdout);
  return verdict_exit(verdict);
}
