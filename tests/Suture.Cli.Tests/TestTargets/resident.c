/*
 * Threads that live inside i_m_being_patched() (libcare's frame_finish): the main thread and two
 * workers call it in a loop, and it sleeps 300 ms inside, so some thread is always in it.
 * Built with -DSTUCK, one worker instead waits inside it until SIGUSR1 (which only it receives)
 * and then returns, printing "released"; the main thread prints "alive".
 * Built as C++ with -DTHROW, every fourth call throws out of it to a catch in its caller, which
 * prints "caught": the unwinder must pass a frame whose return is being watched.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t released;

static void on_usr1(int signal)
{
    (void)signal;
    released = 1;
}

void __attribute__((noinline)) i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
#ifdef STUCK
    while (!released)
        pause();
#else
    struct timespec pause_time = { 0, 300 * 1000 * 1000 };
    nanosleep(&pause_time, NULL);
#endif
#ifdef THROW
    static __thread unsigned calls;
    if (++calls % 4 == 0)
        throw 1;
#endif
}

static void call_it(void)
{
#ifdef THROW
    try {
        i_m_being_patched();
    } catch (int) {
        printf("caught\n");
    }
#else
    i_m_being_patched();
#endif
}

static void *worker(void *arg)
{
    (void)arg;
#ifdef STUCK
    i_m_being_patched();
    printf("released\n");
    for (;;)
        pause();
#else
    for (;;)
        call_it();
#endif
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGUSR1, on_usr1);
    pthread_t threads[2];
#ifdef STUCK
    pthread_create(&threads[0], NULL, worker, NULL);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, NULL); /* only the worker takes SIGUSR1 */
    for (;;) {
        printf("alive\n");
        usleep(20000);
    }
#else
    pthread_create(&threads[0], NULL, worker, NULL);
    pthread_create(&threads[1], NULL, worker, NULL);
    for (;;)
        call_it();
#endif
}
