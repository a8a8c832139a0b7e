#include <stdio.h>
#include "tag.h"

const char *soname_tag = TAG;
static int calls;

void soname_message(void)
{
    calls++;
    printf("soname unpatched\n");
}
