/* Main prints through i_m_being_patched(); a second thread is blocked in read() on a pipe
   nobody writes to, and a third spins in nanosleep. Neither blocks a patch. A global "spin"
   lets a fix make the function loop forever. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

volatile int spin = 1;
static int pipe_fds[2];

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
}

static void *blocked_reader(void *arg)
{
    (void)arg;
    char c;
    for (;;)
        read(pipe_fds[0], &c, 1);
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    struct timespec t = { 3600, 0 };
    for (;;)
        nanosleep(&t, NULL);
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pipe(pipe_fds);
    pthread_t a, b;
    pthread_create(&a, NULL, blocked_reader, NULL);
    pthread_create(&b, NULL, sleeper, NULL);
    for (;;) {
        i_m_being_patched();
        usleep(20000);
    }
}
