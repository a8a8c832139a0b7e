/* libv.so, second release: the old vfunc@VER_1 (hidden, kept for programs linked against the
   first release) and the new default vfunc@@VER_2 (link with vfunc_v2.map). */
__asm__(".symver vfunc_1, vfunc@VER_1");
__asm__(".symver vfunc_2, vfunc@@VER_2");

int vfunc_1(void)
{
    return 1;
}

int vfunc_2(void)
{
    return 2;
}
