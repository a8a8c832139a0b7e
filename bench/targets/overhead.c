/* Call-overhead target: `overhead SHM`. On each bump of calls_req it times a tight loop of calls
 * to hot() — once as a direct call, once through a volatile function pointer — and publishes
 * picoseconds per call. The harness compares the figures before and after the patch (the patch
 * changes a constant only, so any difference is the cost of the redirection). It is also the
 * target whose memory is measured. */
#define _GNU_SOURCE
#include <sched.h>
#include <time.h>
#include "shm.h"

#define CALLS 20000000ull

__attribute__((noinline, noipa)) uint64_t hot(uint64_t x)
{
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ull;
    return x + 7;
}

static uint64_t (*volatile hot_ptr)(uint64_t) = hot;
volatile uint64_t sink;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t time_direct(void)
{
    uint64_t x = 1, t0 = now_ns();
    for (uint64_t i = 0; i < CALLS; i++) {
        x = hot(x + i);
    }
    uint64_t t1 = now_ns();
    sink = x;
    return (t1 - t0) * 1000 / CALLS;
}

static uint64_t time_indirect(void)
{
    uint64_t x = 1, t0 = now_ns();
    for (uint64_t i = 0; i < CALLS; i++) {
        x = hot_ptr(x + i);
    }
    uint64_t t1 = now_ns();
    sink = x;
    return (t1 - t0) * 1000 / CALLS;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: overhead SHM\n");
        return 2;
    }
    struct bench_shm *shm = bench_map(argv[1]);
    struct timespec pause = { 0, 200 * 1000 }; /* 0.2 ms between polls */
    uint64_t seen = shm->calls_req;
    sink = hot(1);
    shm->ready = 1;
    while (!shm->quit) {
        uint64_t r = shm->calls_req;
        if (r == seen) {
            nanosleep(&pause, NULL);
            continue;
        }
        seen = r;
        uint64_t d = time_direct(), i = time_indirect();
        shm->direct_ps = d;
        shm->indirect_ps = i;
        shm->calls = CALLS;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        shm->calls_ack = r;
    }
    return 0;
}
