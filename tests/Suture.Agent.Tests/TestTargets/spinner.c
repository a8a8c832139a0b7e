/* One thread never leaves i_m_being_patched() (it spins in it); main keeps printing
   "alive" from elsewhere. Applying a patch to i_m_being_patched must be refused. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

volatile int spin = 1;

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
    while (spin) {
    }
}

static void *spinner(void *arg)
{
    (void)arg;
    i_m_being_patched();
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_t thread;
    pthread_create(&thread, NULL, spinner, NULL);
    for (;;) {
        printf("alive\n");
        usleep(20000);
    }
}
