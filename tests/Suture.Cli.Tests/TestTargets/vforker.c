/* A seed-like target with a thread that cannot be stopped: THREADS-1 threads (main included)
   call i_m_being_patched() every 20 ms, and one more thread calls vfork in a loop; each child
   sleeps HOLD_S seconds before _exit, and meanwhile the parent thread waits in the kernel
   (state D, wait_for_vfork_done), where PTRACE_INTERRUPT cannot reach it. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef THREADS
#define THREADS 6
#endif
#ifndef HOLD_S
#define HOLD_S 15
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
        usleep(20000);
    }
    return NULL;
}

static void *forker(void *arg)
{
    (void)arg;
    for (unsigned long round = 0;; round++) {
        printf("vfork %lu\n", round);
        pid_t child = vfork();
        if (child == 0) {
            struct timespec hold = { HOLD_S, 0 };
            nanosleep(&hold, NULL);
            _exit(0);
        }
        printf("vfork %lu returned\n", round);
    }
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_t thread;
    pthread_create(&thread, NULL, forker, NULL);
    for (int i = 2; i < THREADS; i++) {
        pthread_create(&thread, NULL, worker, NULL);
    }
    worker(NULL);
}
