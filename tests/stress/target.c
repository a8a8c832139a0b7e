/* Stress target: four threads call the function being patched in a loop; main prints which
   behaviour it sees every 5 ms ("old", "new" or "two" for level 2). With an argument "vfork",
   one more thread vforks (once) a child that sleeps 15 s before _exit: for those 15 s that
   thread sits in the kernel (vfork wait) where it cannot be stopped. behaviour() is noipa: no caller may assume what it
   returns, so the patched function is what runs. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((noipa)) const char *behaviour(void)
{
    return "old";
}

static void *worker(void *arg)
{
    volatile const char *sink;
    (void)arg;
    for (;;) {
        sink = behaviour();
        (void)sink;
        usleep(200);
    }
    return NULL;
}

static void *vforker(void *arg)
{
    (void)arg;
    pid_t child = vfork();
    if (child == 0) {
        sleep(15);
        _exit(0);
    }
    for (;;) {
        pause();
    }
    return NULL;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pthread_t t;
    for (int i = 0; i < 4; i++) {
        pthread_create(&t, NULL, worker, NULL);
    }
    if (argc > 1 && strcmp(argv[1], "vfork") == 0) {
        pthread_create(&t, NULL, vforker, NULL);
    }
    for (;;) {
        printf("%s\n", behaviour());
        usleep(5000);
    }
}
