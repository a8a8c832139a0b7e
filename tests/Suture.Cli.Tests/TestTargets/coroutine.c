/* A ucontext coroutine calls i_m_being_patched() and yields back to main, forever. */
#include <stdio.h>
#include <ucontext.h>
#include <unistd.h>

static ucontext_t main_context, coroutine_context;
static char coroutine_stack[64 * 1024];

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
}

static void coroutine(void)
{
    for (;;) {
        i_m_being_patched();
        swapcontext(&coroutine_context, &main_context);
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    getcontext(&coroutine_context);
    coroutine_context.uc_stack.ss_sp = coroutine_stack;
    coroutine_context.uc_stack.ss_size = sizeof coroutine_stack;
    coroutine_context.uc_link = &main_context;
    makecontext(&coroutine_context, coroutine, 0);
    for (;;) {
        swapcontext(&main_context, &coroutine_context);
        usleep(20000);
    }
}
