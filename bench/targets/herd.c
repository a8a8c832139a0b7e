/* `herd COUNT PROGRAM [ARGS...]`: starts COUNT copies of PROGRAM and waits. The herd leads its
 * own process group and every copy dies with it (PR_SET_PDEATHSIG), so killing the group — or
 * only the herd — ends all of them. Prints "ready PID..." once every copy has been exec'd. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void kill_group(int sig)
{
    (void)sig;
    signal(SIGTERM, SIG_DFL);
    kill(0, SIGKILL);
    _exit(1);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: herd COUNT PROGRAM [ARGS...]\n");
        return 2;
    }
    long count = strtol(argv[1], NULL, 10);
    setpgid(0, 0);
    signal(SIGTERM, kill_group);
    signal(SIGINT, kill_group);
    pid_t self = getpid();
    for (long i = 0; i < count; i++) {
        int sync[2];
        if (pipe2(sync, O_CLOEXEC) != 0) {
            perror("pipe2");
            kill_group(0);
        }
        pid_t child = fork();
        if (child < 0) {
            perror("fork");
            kill_group(0);
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
        close(sync[1]);
        char c;
        while (read(sync[0], &c, 1) < 0 && errno == EINTR) {
        }
        close(sync[0]); /* EOF: the child has exec'd (close-on-exec) or died */
    }
    printf("ready %ld\n", count);
    fflush(stdout);
    for (;;) {
        if (wait(NULL) < 0 && errno == ECHILD) {
            pause();
        }
    }
}
