#include <stdio.h>

static int calls;

void lib_message(void)
{
    calls++;
    printf("library unpatched\n");
}
