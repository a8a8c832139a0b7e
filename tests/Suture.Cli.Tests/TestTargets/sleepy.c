/* The first call of i_m_being_patched() sleeps 2 s inside it (the thread's instruction
   pointer is in libc, but the function is on its stack); later calls return at once. */
#include <stdio.h>
#include <unistd.h>

static int first = 1;

void __attribute__((noinline)) i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
    if (first) {
        first = 0;
        sleep(2);
        printf("returned from the long call\n");
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        i_m_being_patched();
        usleep(20000);
    }
}
