/* runsig DELAY_US SIGNAL CMD ARGS...: runs CMD, sends SIGNAL to it after DELAY_US microseconds
   (0: never), and prints on stdout "exit N MS" or "signal N MS" (how CMD ended, after how many
   milliseconds). CMD's own stdout goes to stderr, so stdout holds only that line. The shell
   cannot tell exit(130) from death by SIGINT; the stress suite must. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: runsig DELAY_US SIGNAL CMD [ARGS...]\n");
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
