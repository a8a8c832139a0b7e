/* libv.so, first release: vfunc@@VER_1 (link with vfunc_v1.map). */
int vfunc(void)
{
    return 1;
}
