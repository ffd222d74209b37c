/*
 * Unit tests: the file store of purchase contexts (doc/design.md, The store)
 * through the store interface: sessions, held purchases (lock, load,
 * save, remove, release), atomic writes that keep mode and group, lock
 * files, listing, what a crash between writing the temporary file
 * and renaming it leaves, the open attempt's side file (read only while
 * it is whole and over the .json it was written on), and the
 * installation's secret.
 */
#include "tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "context.h"
#include "site.h"
#include "store_file.h"

static char dir[256];
static struct store st;
static struct store_session *ss;

static int
setup(void **state)
{
	struct bg_error e;
	const char *base = getenv("BG_TEST_TMP");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/store-XXXXXX", base ? base : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	if (store_file_open(&st, dir, &e) == -1)
		return -1;
	return store_session_open(&st, &ss, &e);
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	store_session_close(ss);
	store_close(&st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *
load(const char *id)
{
	struct bg_error e;
	char *text = NULL;
	size_t len;

	if (store_peek(ss, id, &text, &len, &e) == -1)
		return NULL;
	return text;
}

/* Replaces a purchase's text under its lock. */
static int
save(const char *id, const char *text, size_t len, struct bg_error *e)
{
	struct store_held *h;
	int rc;

	if (store_hold(ss, id, 0, &h, e) != 0)
		return -1;
	rc = store_held_save(h, text, len, STORE_DURABLE, e);
	store_release(h);
	return rc;
}

/* Entries of the directory whose name ends with suffix. */
static int
count_files(const char *suffix)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t n, sl = strlen(suffix);
	int c = 0;

	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		c += n >= sl && strcmp(de->d_name + n - sl, suffix) == 0;
	}
	closedir(d);
	return c;
}

static void
create_refuses_overwrite(void **state)
{
	struct bg_error e;
	char *t;

	(void)state;
	assert_int_equal(store_create(ss, "o-1", "{\"amount\":\"1\"}", 14,
	    &e), 0);
	assert_int_equal(store_create(ss, "o-1", "{}", 2, &e), -1);
	assert_int_equal(e.status, 409);
	t = load("o-1");
	assert_string_equal(t, "{\"amount\":\"1\"}");
	free(t);
	assert_int_equal(count_files(".tmp"), 0);
}

static void
save_keeps_mode(void **state)
{
	struct bg_error e;
	struct stat sb;
	char path[300], *t;

	(void)state;
	assert_int_equal(store_create(ss, "o-2", "{}", 2, &e), 0);
	snprintf(path, sizeof(path), "%s/o-2.json", dir);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(save("o-2", "{\"a\":1}", 7, &e), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	t = load("o-2");
	assert_string_equal(t, "{\"a\":1}");
	free(t);
}

static void
unknown_purchase_gets_no_lock_file(void **state)
{
	struct store_held *h;
	struct bg_error e;

	(void)state;
	assert_int_equal(store_hold(ss, "nobody", 100, &h, &e), -1);
	assert_null(h);
	assert_int_equal(e.status, 404);
	assert_string_equal(e.code, "unknown_purchase");
	assert_null(load("nobody"));
	assert_int_equal(count_files("nobody.lock"), 0);
}

static void
lock_excludes_and_times_out(void **state)
{
	struct store_session *other;
	struct store_held *a, *b;
	struct bg_error e;
	char *t;
	size_t len;

	(void)state;
	assert_int_equal(store_create(ss, "o-3", "{}", 2, &e), 0);
	assert_int_equal(store_hold(ss, "o-3", 0, &a, &e), 0);
	assert_string_equal(a->id, "o-3");
	/* Another worker's session: the purchase stays busy for it. */
	assert_int_equal(store_session_open(&st, &other, &e), 0);
	assert_int_equal(store_hold(other, "o-3", 50, &b, &e), 1);
	assert_null(b);
	/* The holder loads and saves under its lock. */
	assert_int_equal(store_held_load(a, &t, &len, &e), 0);
	assert_string_equal(t, "{}");
	assert_int_equal(len, 2);
	free(t);
	assert_int_equal(store_held_save(a, "{\"x\":1}", 7, STORE_DURABLE,
	    &e), 0);
	store_release(a);
	assert_int_equal(store_hold(other, "o-3", 0, &b, &e), 0);
	assert_int_equal(store_held_load(b, &t, &len, &e), 0);
	assert_string_equal(t, "{\"x\":1}");
	free(t);
	store_release(b);
	store_session_close(other);
	store_release(NULL);		/* nothing held: nothing to do */
}

/*
 * The process dies after the temporary file is written and synced but
 * before rename: the purchase still reads as it was, the leftover is no
 * purchase, and the next save works.
 */
static void
crash_between_write_and_rename(void **state)
{
	char tmp[STORE_TMP_MAX], *t;
	struct bg_error e;
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(store_create(ss, "o-4", "{\"v\":\"old\"}", 11, &e),
	    0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(store_file_write_temp(&st, "o-4", "{\"v\":\"new\"}", 11,
		    0660, tmp, &e) == 0 ? 9 : 1);	/* dies here */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 9);
	t = load("o-4");
	assert_string_equal(t, "{\"v\":\"old\"}");
	free(t);
	assert_int_equal(count_files(".tmp"), 1);
	assert_int_equal(save("o-4", "{\"v\":\"newer\"}", 13, &e), 0);
	t = load("o-4");
	assert_string_equal(t, "{\"v\":\"newer\"}");
	free(t);
}

static int
add(const char *id, void *arg)
{
	char *seen = arg;

	strcat(seen, id);
	strcat(seen, " ");
	return 0;
}

static void
list_skips_locks_and_temporaries(void **state)
{
	struct store_held *h;
	struct bg_error e;
	char seen[512] = "", path[300];
	FILE *f;

	(void)state;
	assert_int_equal(store_create(ss, "o-5", "{}", 2, &e), 0);
	assert_int_equal(store_hold(ss, "o-5", 0, &h, &e), 0);
	store_release(h);
	snprintf(path, sizeof(path), "%s/not a purchase.json", dir);
	f = fopen(path, "w");
	fclose(f);
	assert_int_equal(store_list(ss, add, seen, &e), 0);
	assert_non_null(strstr(seen, "o-5 "));
	assert_null(strstr(seen, ".lock"));
	assert_null(strstr(seen, "tmp"));
	assert_null(strstr(seen, "not a"));
	assert_int_equal(store_hold(ss, "o-5", 0, &h, &e), 0);
	assert_int_equal(store_held_remove(h, &e), 0);
	store_release(h);
	assert_null(load("o-5"));
	snprintf(path, sizeof(path), "%s/o-5.lock", dir);
	assert_int_equal(access(path, F_OK), -1);
}

/* A parsed context records attempts with "payment" = last of "payments". */
static void
context_records(void **state)
{
	const char text[] = "{\"amount\":\"150.00\",\"payer\":"
	    "{\"email\":\"a@b.co\"},\"max_installments\":6}";
	struct bg_context c;
	struct bg_error e;
	struct attempt *a;
	size_t len;
	const char *out;

	(void)state;
	assert_int_equal(context_parse(&c, "o-6", text, sizeof(text) - 1,
	    site_find("MLB"), &e), 0);
	assert_int_equal(c.amount, 15000);
	assert_string_equal(c.email, "a@b.co");
	assert_int_equal(c.max_installments, 6);
	assert_null(context_latest(&c));
	a = context_add_attempt(&c, "k-1", "visa", "credit_card", 0, NULL);
	assert_ptr_equal(context_latest(&c), a);
	out = context_text(&c, &len);
	assert_non_null(strstr(out, "\"idempotency_key\": \"k-1\""));
	assert_non_null(strstr(out, "\"state\": \"creating\""));
	context_free(&c);
	assert_int_equal(context_parse(&c, "o-6", "{\"amount\":\"1.005\"}",
	    18, site_find("MLB"), &e), -1);
	assert_string_equal(e.code, "invalid_context");
	assert_int_equal(e.status, 500);
	assert_non_null(strstr(e.message, "purchase context o-6: "));
}

/* The raw bytes of a file of the store's directory, or NULL. */
static char *
slurp(const char *name, size_t *len)
{
	char path[400], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
spit(const char *name, const char *text, size_t len)
{
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

/* A volatile save under a fresh hold: load first, as the flow does. */
static void
save_open(const char *id, const char *text)
{
	struct store_held *h;
	struct bg_error e;
	char *t;
	size_t len;

	assert_int_equal(store_hold(ss, id, 0, &h, &e), 0);
	assert_int_equal(store_held_load(h, &t, &len, &e), 0);
	free(t);
	assert_int_equal(store_held_save(h, text, strlen(text),
	    STORE_VOLATILE, &e), 0);
	store_release(h);
}

static void
volatile_save_is_read_until_the_durable_one(void **state)
{
	struct store_held *h;
	struct bg_error e;
	char *t;
	size_t len;

	(void)state;
	assert_int_equal(store_create(ss, "o-8", "{\"v\":1}", 7, &e), 0);
	save_open("o-8", "{\"v\":2}");
	/* The .json is as it was; every load, held or not, sees v 2. */
	t = slurp("o-8.json", &len);
	assert_string_equal(t, "{\"v\":1}");
	free(t);
	assert_int_equal(count_files(".open"), 1);
	t = load("o-8");
	assert_string_equal(t, "{\"v\":2}");
	free(t);
	assert_int_equal(store_hold(ss, "o-8", 0, &h, &e), 0);
	assert_int_equal(store_held_load(h, &t, &len, &e), 0);
	assert_string_equal(t, "{\"v\":2}");
	assert_int_equal(len, 7);
	free(t);
	/* The durable save takes its place and the side file goes. */
	assert_int_equal(store_held_save(h, "{\"v\":3}", 7, STORE_DURABLE,
	    &e), 0);
	store_release(h);
	assert_int_equal(count_files(".open"), 0);
	t = load("o-8");
	assert_string_equal(t, "{\"v\":3}");
	free(t);
	/* Saved again without waiting, then the purchase removed: all go. */
	save_open("o-8", "{\"v\":4}");
	assert_int_equal(store_hold(ss, "o-8", 0, &h, &e), 0);
	assert_int_equal(store_held_remove(h, &e), 0);
	store_release(h);
	assert_int_equal(count_files(".open"), 0);
	assert_null(slurp("o-8.json", &len));
}

/*
 * What a power cut may leave of the side file: nothing, a part, other
 * bytes, or one written over an older .json.  None of it is read.
 */
static void
side_file_torn_lost_or_stale_is_ignored(void **state)
{
	struct store_held *h;
	struct bg_error e;
	char *side, *t, *bad;
	size_t len, cut;

	(void)state;
	assert_int_equal(store_create(ss, "o-9", "{\"v\":1}", 7, &e), 0);
	save_open("o-9", "{\"v\":2}");
	side = slurp("o-9.open", &len);
	assert_non_null(side);
	assert_memory_equal(side, "brickgate-open 1 ", 17);
	for (cut = 0; cut < len; cut += len / 7 + 1) {
		spit("o-9.open", side, cut);
		t = load("o-9");
		assert_string_equal(t, "{\"v\":1}");
		free(t);
	}
	bad = strdup(side);
	bad[len - 2] = '3';	/* a byte of the body changed */
	spit("o-9.open", bad, len);
	t = load("o-9");
	assert_string_equal(t, "{\"v\":1}");
	free(t);
	free(bad);
	/* Whole again, it is read again. */
	spit("o-9.open", side, len);
	t = load("o-9");
	assert_string_equal(t, "{\"v\":2}");
	free(t);
	/* A .json replaced since: the side file is left behind, unread. */
	assert_int_equal(save("o-9", "{\"v\":5}", 7, &e), 0);
	spit("o-9.open", side, len);
	t = load("o-9");
	assert_string_equal(t, "{\"v\":5}");
	free(t);
	free(side);
	/* A volatile save before any load has nothing to be over. */
	assert_int_equal(store_hold(ss, "o-9", 0, &h, &e), 0);
	assert_int_equal(store_held_save(h, "{}", 2, STORE_VOLATILE, &e), -1);
	assert_int_equal(e.status, 500);
	store_release(h);
}

static void
secret_made_once_and_never_replaced(void **state)
{
	unsigned char a[STORE_SECRET_LEN], b[STORE_SECRET_LEN];
	struct store_session *other;
	struct bg_error e;
	struct stat sb;
	char path[400], *text;
	size_t len;

	(void)state;
	assert_int_equal(store_secret(ss, a, &e), 0);
	assert_non_null(text = slurp(".installation-secret", &len));
	assert_int_equal(len, 65);
	assert_int_equal(text[64], '\n');
	free(text);
	snprintf(path, sizeof(path), "%s/.installation-secret", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	/* Another session (another process, another day) reads the same. */
	assert_int_equal(store_session_open(&st, &other, &e), 0);
	assert_int_equal(store_secret(other, b, &e), 0);
	assert_memory_equal(a, b, sizeof(a));
	store_session_close(other);
	/* Damaged, it is an error; it is not made again. */
	spit(".installation-secret", "not hex\n", 8);
	assert_int_equal(store_session_open(&st, &other, &e), 0);
	assert_int_equal(store_secret(other, b, &e), -1);
	assert_int_equal(e.status, 500);
	assert_non_null(strstr(e.message, "64 hex digits"));
	store_session_close(other);
	assert_non_null(text = slurp(".installation-secret", &len));
	assert_string_equal(text, "not hex\n");
	free(text);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_refuses_overwrite),
		cmocka_unit_test(save_keeps_mode),
		cmocka_unit_test(unknown_purchase_gets_no_lock_file),
		cmocka_unit_test(lock_excludes_and_times_out),
		cmocka_unit_test(crash_between_write_and_rename),
		cmocka_unit_test(list_skips_locks_and_temporaries),
		cmocka_unit_test(context_records),
		cmocka_unit_test(volatile_save_is_read_until_the_durable_one),
		cmocka_unit_test(side_file_torn_lost_or_stale_is_ignored),
		cmocka_unit_test(secret_made_once_and_never_replaced),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
