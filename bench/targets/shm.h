/* Control block shared (through a file in /dev/shm) between the benchmark harness and a target.
 * The harness writes the *_req fields; the target answers in the matching *_ack fields. No
 * system call is made on the measured path: the measuring thread only loads and stores here. */
#ifndef SUTURE_BENCH_SHM_H
#define SUTURE_BENCH_SHM_H
#include <stdint.h>

struct bench_shm {
    volatile uint64_t ready;         /* target: 1 once every thread runs */
    volatile uint64_t reset_req;     /* harness: bump to start a window (max gap := 0) */
    volatile uint64_t reset_ack;     /* target: = reset_req once reset */
    volatile uint64_t sample_req;    /* harness: bump to close a window */
    volatile uint64_t sample_ack;    /* target: = sample_req once the figures below are final */
    volatile uint64_t max_gap_ns;    /* longest gap between two clock reads in the window */
    volatile uint64_t stops;         /* gaps longer than STOP_NS in the window */
    volatile uint64_t stopped_ns;    /* sum of those gaps */
    volatile uint64_t iterations;    /* measuring loop iterations (progress) */
    volatile uint64_t calls_req;     /* overhead target: bump to time the call loops */
    volatile uint64_t calls_ack;
    volatile uint64_t direct_ps;     /* picoseconds per direct call */
    volatile uint64_t indirect_ps;   /* picoseconds per call through a volatile pointer */
    volatile uint64_t calls;         /* calls per loop */
    volatile uint64_t quit;          /* harness: 1 = exit */
};

#define STOP_NS 20000ull

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static inline struct bench_shm *bench_map(const char *path)
{
    int fd = open(path, O_RDWR);
    if (fd < 0) {
        perror(path);
        exit(2);
    }
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    close(fd);
    return (struct bench_shm *)p;
}
#endif
