/* i_m_being_patched() raises a signal whose handler never returns: the function lies below
   a signal frame on the worker's stack. Main keeps printing. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_signal(int signal)
{
    (void)signal;
    for (;;)
        pause();
}

void __attribute__((noinline)) i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
    raise(SIGUSR1);
    printf("never printed\n");
}

static void *worker(void *arg)
{
    (void)arg;
    i_m_being_patched();
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGUSR1, &action, NULL);
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    for (;;) {
        printf("alive\n");
        usleep(20000);
    }
}
