/* Calls vfunc() of libv.so, bound at link time to the version the library it was linked
   against defines (unless NO_START); tests patch i_m_being_patched() to call vfunc too. */
#include <stdio.h>
#include <unistd.h>

int vfunc(void);

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
#ifndef NO_START
    printf("start %d\n", vfunc());
#endif
    for (;;) {
        i_m_being_patched();
        usleep(20000);
    }
}
