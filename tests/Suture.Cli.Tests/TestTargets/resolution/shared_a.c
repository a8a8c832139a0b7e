/* One of two libraries that define the same name (see order.c). */
int a_only(void)
{
    return 1;
}

int shared_value(void)
{
    return 111;
}
