/* An unversioned vfunc, preloaded in front of libv.so like a malloc replacement in front of
   libc: it satisfies references to any version of vfunc. */
int vfunc(void)
{
    return 3;
}
