#include <stdio.h>
#include <unistd.h>

void greet(int n);

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int n = 0;; n++) {
        greet(n);
        usleep(20000);
    }
}
