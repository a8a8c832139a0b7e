#include <stdio.h>

void greet(int n)
{
    printf("cmake unpatched %d\n", n % 2);
}
