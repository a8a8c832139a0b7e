/* `herd COUNT PROGRAM [ARGS...]`: starts COUNT copies of PROGRAM and waits. Prints "ready COUNT"
 * once every copy has been exec'd. On SIGTERM or SIGINT it kills every copy, reaps them (this
 * machine's init does not reap orphans) and exits. If the herd itself is killed, the copies die
 * with it (PR_SET_PDEATHSIG); the herd also leads a process group, so `kill -KILL -PID` ends all. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t *children;
static volatile long started;

static void stop_all(int sig)
{
    (void)sig;
    for (long i = 0; i < started; i++) {
        kill(children[i], SIGKILL);
    }
    while (wait(NULL) > 0 || errno == EINTR) {
    }
    _exit(0);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: herd COUNT PROGRAM [ARGS...]\n");
        return 2;
    }
    long count = strtol(argv[1], NULL, 10);
    children = calloc((size_t)count, sizeof *children);
    if (children == NULL) {
        return 2;
    }
    setpgid(0, 0);
    struct sigaction sa = { 0 };
    sa.sa_handler = stop_all;
    sigfillset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    pid_t self = getpid();
    for (long i = 0; i < count; i++) {
        int sync[2];
        if (pipe2(sync, O_CLOEXEC) != 0) {
            perror("herd: pipe2");
            stop_all(0);
        }
        pid_t child = fork();
        if (child < 0) {
            perror("herd: fork");
            stop_all(0);
        }
        if (child == 0) {
            close(sync[0]);
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != self) {
                _exit(1);
            }
            signal(SIGTERM, SIG_DFL);
            signal(SIGINT, SIG_DFL);
            execv(argv[2], argv + 2);
            _exit(127);
        }
        children[i] = child;
        started = i + 1;
        close(sync[1]);
        char c;
        while (read(sync[0], &c, 1) < 0 && errno == EINTR) {
        }
        close(sync[0]); /* EOF: the child has exec'd (close-on-exec) or died */
    }
    printf("ready %ld\n", count);
    fflush(stdout);
    for (;;) {
        pause();
    }
}
