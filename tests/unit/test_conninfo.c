/*
 * Unit tests: a connection string printed with its password masked
 * (conninfo.c; brickgate.conf(5), database_url), in every form libpq
 * takes, and what it copies as it is.
 */
#include "tap.h"

#include <string.h>

#include "conninfo.h"

static void
is(const char *in, int masked, const char *want)
{
	char out[256];

	assert_int_equal(conninfo_mask(in, out, sizeof(out)), masked);
	assert_string_equal(out, want);
}

static void
uris(void **state)
{
	(void)state;
	is("postgresql://bg:s3cret@db.internal:5432/shop", 1,
	    "postgresql://bg:***@db.internal:5432/shop");
	is("postgres://bg:s3cret@db/shop?sslmode=require&password=x2&a=b", 1,
	    "postgres://bg:***@db/shop?sslmode=require&password=***&a=b");
	/* The last @ ends the user info: a password may hold one. */
	is("postgresql://bg:p@ss@db/shop", 1, "postgresql://bg:***@db/shop");
	is("postgresql://bg@db/shop", 0, "postgresql://bg@db/shop");
	is("postgresql:///shop?host=/run/postgresql", 0,
	    "postgresql:///shop?host=/run/postgresql");
	/* A colon after the host is a port, not a password. */
	is("postgresql://db:5432/shop", 0, "postgresql://db:5432/shop");
	is("postgresql://u:p@h#frag", 1, "postgresql://u:***@h#frag");
}

static void
keywords(void **state)
{
	(void)state;
	is("host=/run/postgresql dbname=shop password=p4ss user=bg", 1,
	    "host=/run/postgresql dbname=shop password=*** user=bg");
	is("password = 'a b\\' c' host=x", 1, "password = *** host=x");
	is("host=h password=", 1, "host=h password=***");
	is("dbname=shop user=bg", 0, "dbname=shop user=bg");
	/* Lost track (an unclosed quote): the rest is hidden. */
	is("host=x dbname='shop password=s3cret", 1, "host=x dbname=***");
	/* Only the keyword password: passfile names a file, no secret. */
	is("passfile=/etc/brickgate/pgpass host=db", 0,
	    "passfile=/etc/brickgate/pgpass host=db");
}

static void
bounded(void **state)
{
	char out[12];

	(void)state;
	assert_int_equal(conninfo_mask("host=a password=secret", out,
	    sizeof(out)), 1);
	assert_string_equal(out, "host=a pass");
	assert_int_equal(conninfo_mask("x", out, 0), 0);
}

static void
value_is(const char *in, const char *key, const char *want)
{
	char out[64];

	assert_int_equal(conninfo_value(in, key, out, sizeof(out)),
	    want != NULL);
	if (want != NULL)
		assert_string_equal(out, want);
}

/* The files libpq reads, for the Landlock policy (confine.c). */
static void
values(void **state)
{
	char small[8];

	(void)state;
	value_is("host=db passfile=/etc/bg/pgpass dbname=shop", "passfile",
	    "/etc/bg/pgpass");
	value_is("passfile = '/a b/c'", "passfile", "/a b/c");
	value_is("passfile='/a b/it\\'s'", "passfile", "/a b/it's");
	value_is("sslrootcert=/x sslrootcert=/y", "sslrootcert", "/y");
	value_is("mypassfile=/x", "passfile", NULL);
	value_is("passfile=/x\\y", "passfile", NULL);
	value_is("passfile='/never closed", "passfile", NULL);
	value_is("host=db", "passfile", NULL);
	value_is("postgresql://u@db/shop?sslmode=verify-full&"
	    "sslrootcert=/etc/ssl/pg%20root.crt", "sslrootcert",
	    "/etc/ssl/pg root.crt");
	value_is("postgresql://u@db/shop?passfile=/p#frag", "passfile", "/p");
	value_is("postgresql://u@db/shop?passfile=/p%2", "passfile", NULL);
	value_is("postgresql://u@db/shop?xpassfile=/p", "passfile", NULL);
	value_is("postgresql://u@db/shop", "passfile", NULL);
	/* Too long for out: not found rather than cut. */
	assert_int_equal(conninfo_value("passfile=/etc/brickgate/pgpass",
	    "passfile", small, sizeof(small)), 0);
	assert_int_equal(conninfo_value("postgresql://h/?passfile=/etc/x/y",
	    "passfile", small, sizeof(small)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uris),
		cmocka_unit_test(keywords),
		cmocka_unit_test(bounded),
		cmocka_unit_test(values),
	};

	return RUN_TAP(tests);
}
