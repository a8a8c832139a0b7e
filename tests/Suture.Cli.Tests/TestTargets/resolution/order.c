/* Linked against two libraries that both define shared_value(); tests patch
   i_m_being_patched() to call it and check which library's definition the new code gets. */
#include <stdio.h>
#include <unistd.h>

int a_only(void);
int b_only(void);
int shared_value(void);

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("libraries %d %d\n", a_only(), b_only());
    for (;;) {
        i_m_being_patched();
        usleep(20000);
    }
}
