/* Fleet member: a small long-running process that maps the patched object (itself) and calls
 * the patched function once a second. */
#include <stdint.h>
#include <time.h>

volatile uint64_t fleet_sink;

__attribute__((noinline, noipa)) uint64_t fleet_tick(uint64_t x)
{
    x ^= x >> 13;
    x *= 0xbf58476d1ce4e5b9ull;
    return x + 3;
}

int main(void)
{
    struct timespec second = { 1, 0 };
    uint64_t x = 1;
    for (;;) {
        x = fleet_tick(x);
        fleet_sink = x;
        nanosleep(&second, 0);
    }
}
