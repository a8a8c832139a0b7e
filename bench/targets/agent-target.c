/* The agent bench's vulnerable program: says on fd 3 (when open) that main runs (the patched
 * function writes a byte to fd 4, made non-blocking here, on each call), then calls
 * the function the patch replaces every argv[2] us (default 100), for argv[1] ms (default:
 * until killed), and then prints P if it was patched by then (memfd:suture in its maps), else U. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile unsigned long calls;

void vulnerable(void)
{
    calls++;
}

int main(int argc, char **argv)
{
    long lifetime = argc > 1 ? atol(argv[1]) : -1;
    long interval = argc > 2 && atol(argv[2]) > 0 ? atol(argv[2]) : 100;
    (void)!write(3, "m", 1);
    close(3);
    fcntl(4, F_SETFL, O_NONBLOCK);
    struct timespec pause = { interval / 1000000, interval % 1000000 * 1000 };
    for (long i = 0; lifetime < 0 || i < lifetime * 1000 / interval; i++) {
        vulnerable();
        nanosleep(&pause, NULL);
    }
    char line[512];
    int found = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    while (maps && !found && fgets(line, sizeof line, maps))
        found = strstr(line, "memfd:suture") != NULL;
    printf("%c\n", found ? 'P' : 'U');
    return 0;
}
