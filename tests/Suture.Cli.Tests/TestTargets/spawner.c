/* Threads that keep spawning threads that enter i_m_being_patched(), plus the main thread
   doing the same: threads appear and vanish during every apply. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
}

static void *child(void *arg)
{
    (void)arg;
    i_m_being_patched();
    return NULL;
}

static void *spawner(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, child, NULL) == 0)
            pthread_join(thread, NULL);
        usleep(2000);
    }
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 0; i < 3; i++) {
        pthread_t thread;
        pthread_create(&thread, NULL, spawner, NULL);
    }
    for (;;) {
        i_m_being_patched();
        usleep(20000);
    }
}
