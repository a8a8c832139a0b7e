/* runsig [-c] DELAY_US SIGNAL CMD ARGS...: runs CMD, sends SIGNAL to it after DELAY_US microseconds
   (0: never), and prints on stdout "exit N MS" or "signal N MS" (how CMD ended, after how many
   milliseconds). CMD's own stdout goes to stderr, so stdout holds only that line. The shell
   cannot tell exit(130) from death by SIGINT; the stress suite must.
   -c: the delay starts once CMD catches SIGNAL (its SigCgt in /proc/PID/status), not at fork.
   Until then no code of CMD's own has run (fork, exec, the dynamic loader), and a signal there
   ends any program by its default disposition; the suite tests what CMD does once it runs. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* 1 once CHILD catches SIG, 0 if it does not within 10 s or has ended. */
static int wait_caught(pid_t child, int sig)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)child);
    long deadline = now_ms() + 10000;
    while (now_ms() < deadline) {
        FILE *status = fopen(path, "r");
        if (status == NULL) {
            return 0;
        }
        char line[256];
        unsigned long long caught = 0;
        while (fgets(line, sizeof line, status) != NULL) {
            if (strncmp(line, "State:\tZ", 8) == 0) {
                fclose(status);
                return 0; /* it ended (not reaped yet) */
            }
            if (strncmp(line, "SigCgt:", 7) == 0) {
                caught = strtoull(line + 7, NULL, 16);
            }
        }
        fclose(status);
        if (caught & (1ULL << (sig - 1))) {
            return 1;
        }
        struct timespec d = { 0, 50000 };
        nanosleep(&d, NULL);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int caught = argc > 1 && strcmp(argv[1], "-c") == 0;
    argv += caught;
    argc -= caught;
    if (argc < 4) {
        fprintf(stderr, "usage: runsig [-c] DELAY_US SIGNAL CMD [ARGS...]\n");
        return 2;
    }
    long delay = atol(argv[1]);
    int sig = atoi(argv[2]);
    long start = now_ms();
    pid_t child = fork();
    if (child == 0) {
        dup2(2, 1);
        execvp(argv[3], argv + 3);
        _exit(127);
    }
    int status = 0;
    if (delay > 0) {
        if (caught && !wait_caught(child, sig) && waitpid(child, &status, WNOHANG) == child) {
            goto done; /* it ended before catching the signal */
        }
        struct timespec d = { delay / 1000000L, (delay % 1000000L) * 1000L };
        nanosleep(&d, NULL);
        if (waitpid(child, &status, WNOHANG) == child) {
            goto done;
        }
        kill(child, sig);
    }
    waitpid(child, &status, 0);
done:
    if (WIFSIGNALED(status)) {
        printf("signal %d %ld\n", WTERMSIG(status), now_ms() - start);
    } else {
        printf("exit %d %ld\n", WEXITSTATUS(status), now_ms() - start);
    }
    return 0;
}
