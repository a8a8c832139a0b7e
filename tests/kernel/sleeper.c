/* The task that holds up a kernel live patch's transition in tests/kernel/run.sh: it sleeps in
 * pause(2), inside the function the patch replaces (kernel/signal.c, sys_pause), until SIGUSR1
 * arrives; then the system call returns to user space, where the kernel switches the task. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void wake(int signo) { (void)signo; }

int main(void)
{
    struct sigaction action = { .sa_handler = wake };
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGUSR1, &action, NULL) != 0) {
        perror("sleeper: sigaction");
        return 1;
    }
    printf("sleeper %d: pausing\n", (int)getpid());
    fflush(stdout);
    pause();
    printf("sleeper %d: woken\n", (int)getpid());
    return 0;
}
