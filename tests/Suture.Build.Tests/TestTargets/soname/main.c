#include <stdio.h>
#include <unistd.h>

void soname_message(void);

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        soname_message();
        usleep(20000);
    }
}
