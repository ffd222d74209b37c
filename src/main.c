/* Placeholder until the core lands. */
int
main(void)
{
	return 0;
}
