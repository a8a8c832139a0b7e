/* Two functions print a line each, every 20 ms, so cumulative patch levels can be told apart. */
#include <stdio.h>
#include <unistd.h>

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
}

void second(void)
{
    printf("second unpatched\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        i_m_being_patched();
        second();
        usleep(20000);
    }
}
