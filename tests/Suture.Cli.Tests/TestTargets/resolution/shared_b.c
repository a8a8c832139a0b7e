/* One of two libraries that define the same name (see order.c). */
int b_only(void)
{
    return 2;
}

int shared_value(void)
{
    return 222;
}
