/* A seed-like target: THREADS threads (main included) call i_m_being_patched() every
   INTERVAL_US microseconds. Tests build it with different flags and patch it live. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#ifndef THREADS
#define THREADS 1
#endif
#ifndef INTERVAL_US
#define INTERVAL_US 20000
#endif

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        i_m_being_patched();
        usleep(INTERVAL_US);
    }
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < THREADS; i++) {
        pthread_t thread;
        pthread_create(&thread, NULL, worker, NULL);
    }
    worker(NULL);
}
