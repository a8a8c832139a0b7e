#include <stdio.h>
#include <unistd.h>

void extra_message(void);

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        extra_message();
        usleep(20000);
    }
}
