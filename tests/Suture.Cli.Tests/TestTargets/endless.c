/* A worker thread calls i_m_being_patched(), which calls a function that never returns:
   the patched function stays on that thread's stack forever. Main keeps printing. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

void __attribute__((noinline)) wait_forever(void)
{
    for (;;)
        pause();
}

void __attribute__((noinline)) i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
    wait_forever();
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
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    for (;;) {
        printf("alive\n");
        usleep(20000);
    }
}
