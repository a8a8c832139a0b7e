#include <stdio.h>
#include <unistd.h>

void util_message(void);

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        util_message();
        usleep(20000);
    }
}
