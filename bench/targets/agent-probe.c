/* Starts the agent bench's target RUNS times and measures, per run, from just before execve
 * (CLOCK_MONOTONIC in the child) to the first run of the new code (the patched function writes
 * a byte to fd 4; the target calls it every 100 us), and from main's start (a byte on fd 3) to
 * the same moment: the time the new process ran unpatched code. Prints "exec_ms main_ms" per
 * run, or "timeout" when not patched in 10 s.
 *   agent-probe TARGET RUNS [LIFETIME_MS]  (LIFETIME_MS: let each target run on and exit alone) */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s TARGET RUNS [LIFETIME_MS]\n", argv[0]);
        return 2;
    }
    int runs = atoi(argv[2]);
    for (int run = 0; run < runs; run++) {
        int ready[2], timing[2], fixed[2];
        if (pipe(ready) || pipe(timing) || pipe(fixed))
            return 1;
        pid_t child = fork();
        if (child == 0) {
            double start = now_ms();
            (void)!write(timing[1], &start, sizeof start);
            dup2(ready[1], 3);
            dup2(fixed[1], 4);
            execl(argv[1], argv[1], argc > 3 ? argv[3] : (char *)NULL, (char *)NULL);
            _exit(127);
        }
        close(ready[1]);
        close(timing[1]);
        close(fixed[1]);
        double exec_start = 0, main_start = 0;
        char byte;
        (void)!read(timing[0], &exec_start, sizeof exec_start);
        if (read(ready[0], &byte, 1) == 1)
            main_start = now_ms();
        double done = 0;
        struct pollfd wait = { fixed[0], POLLIN, 0 };
        int left = 10000 - (int)(now_ms() - exec_start);
        if (left > 0 && poll(&wait, 1, left) == 1 && (wait.revents & POLLIN))
            done = now_ms();
        if (done > 0)
            printf("%.3f %.3f\n", done - exec_start, done - main_start);
        else
            printf("timeout\n");
        fflush(stdout);
        if (argc <= 3)
            kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        close(ready[0]);
        close(timing[0]);
        close(fixed[0]);
    }
    return 0;
}
