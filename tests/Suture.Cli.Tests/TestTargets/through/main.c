/* A worker thread that a patch parks inside new code for good (its stack then always passes
   through the patch), and a main thread calling into the library. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

void lib_message(void);

static int parks;

void park(void)
{
    parks++;
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        park();
        usleep(20000);
    }
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    for (;;) {
        lib_message();
        usleep(20000);
    }
}
