/* Frozen-time target: `frozen SHM THREADS [quiet]`.
 * Thread 1 (main) is the measuring thread: it reads CLOCK_MONOTONIC in a loop and keeps the
 * longest gap between two consecutive reads; while suture has the process stopped, the gap
 * grows by exactly the time it is frozen. The other THREADS-1 threads are workers that call the
 * patched function and then sleep in nanosleep (blocked, as most threads of a server are).
 * The measuring thread calls the patched function too, every 64 iterations.
 * With "quiet" the main thread does not measure: it calls the patched function and sleeps 1 ms,
 * like the workers, so the process uses no CPU (for wall-time runs on a small machine). */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>
#include "shm.h"

static struct bench_shm *shm;
volatile uint64_t work_sink;

/* The function the patch replaces (frozen.diff changes its constant). */
__attribute__((noinline, noipa)) uint64_t bench_work(uint64_t x)
{
    x ^= x >> 17;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 31;
    return x + 1;
}

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static volatile uint64_t started;

static void *worker(void *arg)
{
    uint64_t x = (uint64_t)(uintptr_t)arg;
    struct timespec pause = { 0, 10 * 1000 * 1000 }; /* 10 ms */
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        x = bench_work(x);
        work_sink = x;
        nanosleep(&pause, NULL);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: frozen SHM THREADS [quiet]\n");
        return 2;
    }
    shm = bench_map(argv[1]);
    int threads = atoi(argv[2]);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (int i = 1; i < threads; i++) {
        pthread_t t;
        if (pthread_create(&t, &attr, worker, (void *)(uintptr_t)i) != 0) {
            perror("pthread_create");
            return 2;
        }
    }
    while (started < (uint64_t)(threads - 1)) {
        sched_yield();
    }

    if (argc == 4) {
        struct timespec ms = { 0, 1000 * 1000 };
        uint64_t y = 1;
        shm->ready = 1;
        while (!shm->quit) {
            y = bench_work(y);
            work_sink = y;
            nanosleep(&ms, NULL);
        }
        return 0;
    }

    uint64_t prev = now_ns(), max_gap = 0, stops = 0, stopped = 0, x = 1, n = 0;
    uint64_t reset_seen = shm->reset_req, sample_seen = shm->sample_req;
    shm->ready = 1;
    while (!shm->quit) {
        uint64_t t = now_ns();
        uint64_t gap = t - prev;
        prev = t;
        if (gap > max_gap) {
            max_gap = gap;
        }
        if (gap > STOP_NS) {
            stops++;
            stopped += gap;
        }
        if ((++n & 63) == 0) {
            x = bench_work(x);
            work_sink = x;
            shm->iterations = n;
        }
        uint64_t r = shm->reset_req;
        if (r != reset_seen) {
            reset_seen = r;
            max_gap = stops = stopped = 0;
            shm->reset_ack = r;
            prev = now_ns();
            continue;
        }
        uint64_t s = shm->sample_req;
        if (s != sample_seen) {
            sample_seen = s;
            shm->max_gap_ns = max_gap;
            shm->stops = stops;
            shm->stopped_ns = stopped;
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            shm->sample_ack = s;
            prev = now_ns();
        }
    }
    return 0;
}
