#include <stdio.h>
#include <unistd.h>

const char *a_text(void);
const char *b_text(void);

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        printf("%s %s\n", a_text(), b_text());
        usleep(20000);
    }
}
