/* `window SHM|- COMMAND [ARGS...]`: one measuring window around one command, for bench/compare.sh.
 * With SHM (the control block of a measuring `frozen` target) it starts a window (the target's
 * longest gap := 0), runs COMMAND (fork+exec, wait; output to /dev/null), closes the window and
 * prints "window: WALL_NS FROZEN_NS STATUS" on stdout: the command's wall time, the longest time
 * the target's measuring thread saw no clock tick, and the command's exit code (128+signal).
 * With "-" it only times the command (FROZEN_NS is 0). */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include "shm.h"

extern char **environ;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int await(volatile uint64_t *ack, uint64_t want)
{
    uint64_t deadline = now_ns() + 10000000000ull; /* 10 s */
    struct timespec pause = { 0, 100000 };
    while (*ack != want) {
        if (now_ns() > deadline) {
            fprintf(stderr, "window: the target did not answer within 10 s\n");
            return -1;
        }
        nanosleep(&pause, NULL);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: window SHM|- COMMAND [ARGS...]\n");
        return 2;
    }
    struct bench_shm *shm = argv[1][0] == '-' && argv[1][1] == 0 ? NULL : bench_map(argv[1]);
    if (shm) {
        uint64_t r = shm->reset_req + 1;
        shm->reset_req = r;
        if (await(&shm->reset_ack, r) < 0) {
            return 2;
        }
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    uint64_t t0 = now_ns();
    pid_t child;
    int err = posix_spawnp(&child, argv[2], &actions, NULL, argv + 2, environ);
    if (err != 0) {
        fprintf(stderr, "window: cannot run %s (error %d)\n", argv[2], err);
        return 127;
    }
    int status;
    while (waitpid(child, &status, 0) < 0) {
    }
    uint64_t wall = now_ns() - t0;
    uint64_t frozen = 0;
    if (shm) {
        uint64_t s = shm->sample_req + 1;
        shm->sample_req = s;
        if (await(&shm->sample_ack, s) < 0) {
            return 2;
        }
        frozen = shm->max_gap_ns;
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("window: %llu %llu %d\n", (unsigned long long)wall, (unsigned long long)frozen, code);
    return 0;
}
