/* Starts a command the way a terminal would (SIGINT and SIGTERM at their default action, none
   blocked, whatever the test host inherited), prints its pid, and reports how it ended:
   "ended with exit code N" or "ended by signal N" (an exit status alone cannot tell 130 from
   death by SIGINT). */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    pid_t child = fork();
    if (child == 0) {
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    printf("launched %d\n", (int)child);
    int status;
    if (waitpid(child, &status, 0) < 0)
        return 3;
    if (WIFSIGNALED(status))
        printf("ended by signal %d\n", WTERMSIG(status));
    else
        printf("ended with exit code %d\n", WEXITSTATUS(status));
    return 0;
}
