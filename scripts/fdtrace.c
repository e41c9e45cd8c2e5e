// A debugging aid for descriptor races: an LD_PRELOAD library that remembers who closed each descriptor
// (the caller's return address) and, when a read() fails with EBADF, prints the last closes of that fd.
//
//   gcc -shared -fPIC -O1 -o /tmp/fdtrace.so scripts/fdtrace.c -ldl -lpthread
//   LD_PRELOAD=/tmp/fdtrace.so swift test --skip-build     # parallel, as many runs as it takes
//
// Resolve an address like libsqlite3.so.0(+0xaab53) with `nm -D` / gdb against the library.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

// The last N closes: which descriptor, and the address close() was called from (a cheap record: a full
// backtrace per close changes the timing enough to hide the race).
#define N 8192
struct rec { int fd; void *caller; };
static struct rec ring[N];
static unsigned long pos;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int (*real_close)(int);
static ssize_t (*real_read)(int, void *, size_t);

int close(int fd) {
    if (!real_close) real_close = dlsym(RTLD_NEXT, "close");
    struct rec r = { fd, __builtin_return_address(0) };
    pthread_mutex_lock(&mu); ring[pos++ % N] = r; pthread_mutex_unlock(&mu);
    return real_close(fd);
}

ssize_t read(int fd, void *buf, size_t n) {
    if (!real_read) real_read = dlsym(RTLD_NEXT, "read");
    ssize_t r = real_read(fd, buf, n);
    if (r < 0 && errno == EBADF) {
        int saved = errno;
        pthread_mutex_lock(&mu);
        fprintf(stderr, "FDTRACE read(%d) EBADF; recent closes of %d:\n", fd, fd);
        int shown = 0;
        for (unsigned long i = pos; i > 0 && pos - i < N && shown < 3; i--) {
            struct rec *c = &ring[(i - 1) % N];
            if (c->fd == fd) {
                fprintf(stderr, "FDTRACE -- close(%d) by:\n", fd);
                backtrace_symbols_fd(&c->caller, 1, 2);
                shown++;
            }
        }
        pthread_mutex_unlock(&mu);
        errno = saved;
    }
    return r;
}
