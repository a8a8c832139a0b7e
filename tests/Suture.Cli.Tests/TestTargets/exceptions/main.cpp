#include <cstdio>
#include <stdexcept>
#include <unistd.h>

struct Cleanup {
    const char *what;
    ~Cleanup() { std::printf("cleanup %s\n", what); }
};

__attribute__((noinline)) void thrower(int i)
{
    if (i % 2 == 0)
        throw std::runtime_error("even");
}

__attribute__((noinline)) int i_m_being_patched(int i)
{
    std::printf("i'm unpatched!\n");
    thrower(i);
    return i;
}

int main()
{
    setvbuf(stdout, nullptr, _IOLBF, 0);
    for (int i = 0;; i++) {
        try {
            std::printf("returned %d\n", i_m_being_patched(i));
        } catch (const std::exception &e) {
            std::printf("caught %s\n", e.what());
        }
        usleep(20000);
    }
}
