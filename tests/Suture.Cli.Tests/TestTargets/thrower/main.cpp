#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <unistd.h>

static std::atomic<long> caught{0};
static std::atomic<long> returned{0};

__attribute__((noinline)) void thrower(long i)
{
    if (i % 2 == 0)
        throw std::runtime_error("even");
}

__attribute__((noinline)) long i_m_being_patched(long i)
{
    thrower(i);
    return i;
}

static void spin()
{
    for (long i = 0;; i++) {
        try {
            i_m_being_patched(i);
            returned++;
        } catch (const std::exception &) {
            caught++;
        }
        usleep(50);
    }
}

int main()
{
    setvbuf(stdout, nullptr, _IOLBF, 0);
    std::thread worker(spin);
    for (;;) {
        std::printf("caught %ld returned %ld\n", caught.load(), returned.load());
        usleep(20000);
    }
}
