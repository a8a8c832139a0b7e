#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

__thread int exe_tls = 1000;
__thread int thread_tag;
extern __thread int other_tls;
extern __thread int lib_tls;
extern __thread int lib_fast_tls;

void lib_report(void);

void i_m_being_patched(void)
{
    exe_tls++;
    other_tls++;
    printf("i'm unpatched!\n");
}

/* Two threads, each with its own copy of every thread-local variable. */
static void *loop(void *tag)
{
    thread_tag = (int)(long)tag;
    for (;;) {
        lib_report();
        i_m_being_patched();
        usleep(20000);
    }
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_t worker;
    pthread_create(&worker, NULL, loop, (void *)1L);
    loop((void *)0L);
}
