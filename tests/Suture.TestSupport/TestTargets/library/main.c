#include <stdio.h>
#include <unistd.h>

void lib_message(void);

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        lib_message();
        i_m_being_patched();
        usleep(20000);
    }
}
