/* A ucontext coroutine declared to Suture through suture_coroutines (docs/consistency.md).
   With YIELD_INSIDE it suspends inside i_m_being_patched(), else after it returned. */
#define _GNU_SOURCE
#include <stdio.h>
#include <ucontext.h>
#include <unistd.h>

struct suture_coroutine { void *pc; void *sp; void *fp; };
struct suture_coroutine_table { unsigned int magic; unsigned int count; struct suture_coroutine *entries; };

static struct suture_coroutine slots[1];
struct suture_coroutine_table suture_coroutines = { 0x53555452, 0, slots };

static ucontext_t main_context, coroutine_context;
static char coroutine_stack[64 * 1024];

void __attribute__((noinline)) i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
#ifdef YIELD_INSIDE
    swapcontext(&coroutine_context, &main_context);
#endif
}

static void coroutine(void)
{
    for (;;) {
        i_m_being_patched();
#ifndef YIELD_INSIDE
        swapcontext(&coroutine_context, &main_context);
#endif
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
        suture_coroutines.count = 0;
        swapcontext(&main_context, &coroutine_context);
        slots[0].pc = (void *)coroutine_context.uc_mcontext.gregs[REG_RIP];
        slots[0].sp = (void *)coroutine_context.uc_mcontext.gregs[REG_RSP];
        slots[0].fp = (void *)coroutine_context.uc_mcontext.gregs[REG_RBP];
        suture_coroutines.count = 1;
        usleep(20000);
    }
}
