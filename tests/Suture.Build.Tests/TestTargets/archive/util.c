#include <stdio.h>
#include "tag.h"

const char *util_tag = TAG;
static int util_calls;

void util_message(void)
{
    util_calls++;
    printf("util unpatched\n");
}
