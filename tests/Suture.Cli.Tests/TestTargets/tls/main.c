#include <stdio.h>
#include <unistd.h>

__thread int exe_tls = 1000;
extern __thread int other_tls;
extern __thread int lib_tls;

void lib_report(void);

void i_m_being_patched(void)
{
    exe_tls++;
    other_tls++;
    printf("i'm unpatched!\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        lib_report();
        i_m_being_patched();
        usleep(20000);
    }
}
