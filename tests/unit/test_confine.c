/*
 * Unit tests: the confinement brickgate applies to itself (confine.c;
 * brickgate(8), CONFINEMENT).  Each case forks a child that applies the
 * real policy, with context_dir and the log in a fresh directory, and
 * then tries one thing: what must be refused is, with the exact errno
 * (or the child dies of SIGSYS), and what brickgate needs still works.
 * Where the kernel has no Landlock, the file-system cases are skipped
 * and say why.
 */
#include "tap.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/landlock.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "confine.h"
#include "sanitizer.h"


/* What a child reports: 0 passed; else the step that failed. */
#define FAILED_APPLY	90

static char base[256], ctx_dir[300], log_dir[300], log_file[320];
static char beside[300], token[300], unix_sock[300], what[128];
static int unix_listener = -1;

static int
landlock_abi(void)
{
	int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : abi;
}

/* A socket where PostgreSQL keeps its own, outside every rule. */
static int
unix_listen(void)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(unix_sock) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, unix_sock, strlen(unix_sock));
	if ((unix_listener = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(unix_listener, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(unix_listener, 4) == -1)
		return -1;
	return 0;
}

static int
setup(void **state)
{
	const char *tmp = getenv("BG_TEST_TMP");
	int fd;

	(void)state;
	snprintf(base, sizeof(base), "%s/confine-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(base) == NULL)
		return -1;
	snprintf(ctx_dir, sizeof(ctx_dir), "%s/ctx", base);
	snprintf(log_dir, sizeof(log_dir), "%s/log", base);
	snprintf(log_file, sizeof(log_file), "%s/brickgate.log", log_dir);
	snprintf(beside, sizeof(beside), "%s/beside.json", base);
	snprintf(token, sizeof(token), "%s/token", base);
	snprintf(unix_sock, sizeof(unix_sock), "%s/.s.PGSQL.5432", base);
	if (mkdir(ctx_dir, 0700) == -1 || mkdir(log_dir, 0700) == -1)
		return -1;
	/* Readable to the child by its mode: only Landlock can refuse it. */
	if ((fd = open(beside, O_WRONLY | O_CREAT, 0644)) == -1)
		return -1;
	close(fd);
	if ((fd = open(token, O_WRONLY | O_CREAT, 0600)) == -1)
		return -1;
	if (write(fd, "TEST-1\n", 7) != 7) {
		close(fd);
		return -1;
	}
	close(fd);
	return unix_listen();
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	if (unix_listener != -1)
		close(unix_listener);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

/* Forks; the child confines itself and returns check()'s value. */
static int
confined(int (*check)(void))
{
	struct confine_policy pol;
	struct bg_config cfg;
	struct bg_error e;
	int status;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		config_init(&cfg);
		cfg.store = "file";
		cfg.context_dir = ctx_dir;
		cfg.log_file = log_file;
		cfg.access_token_file = token;
		confine_policy(&pol, &cfg);
		if (confine_apply(&pol, what, sizeof(what), &e) == -1) {
			fprintf(stderr, "# %s\n", e.message);
			_exit(FAILED_APPLY);
		}
		_exit(check());
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
passes(int (*check)(void))
{
	int status = confined(check);

	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static int
needs_landlock(void)
{
	if (landlock_abi() > 0)
		return 1;
	print_message("# skipped: this kernel has no Landlock (or it is "
	    "off); the file-system policy is not applied here\n");
	return 0;
}

/* open() fails with exactly want. */
static int
refused(const char *path, int flags, int want)
{
	int fd = open(path, flags, 0600);

	if (fd != -1) {
		close(fd);
		return 1;
	}
	return errno == want ? 0 : 2;
}

static int
open_shadow(void)
{
	/* The tests run as root: without Landlock the mode would allow it. */
	return refused("/etc/shadow", O_RDONLY, EACCES);
}

static void
shadow_is_refused(void **state)
{
	(void)state;
	if (needs_landlock())
		passes(open_shadow);
	else
		skip();
}

static int
open_beside(void)
{
	return refused(beside, O_RDONLY, EACCES);
}

static void
file_beside_context_dir_is_refused(void **state)
{
	(void)state;
	if (needs_landlock())
		passes(open_beside);
	else
		skip();
}

static int
write_outside(void)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/new.json", base);
	if (refused(path, O_WRONLY | O_CREAT | O_EXCL, EACCES) != 0)
		return 1;
	/* Appending to a file that is there is writing too. */
	return refused(beside, O_WRONLY | O_APPEND, EACCES) != 0 ? 2 : 0;
}

static void
writing_outside_is_refused(void **state)
{
	(void)state;
	if (needs_landlock())
		passes(write_outside);
	else
		skip();
}

static int
call_ptrace(void)
{
	syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
	return 0;
}

static void
ptrace_kills(void **state)
{
	int status;

	(void)state;
	status = confined(call_ptrace);
	if (SANITIZER_BUILD) {
		/* LeakSanitizer needs it: brickgate(8), CONFINEMENT. */
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		return;
	}
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

static int
call_mount(void)
{
	syscall(SYS_mount, "none", "/mnt", "tmpfs", 0, NULL);
	return 0;
}

static void
mount_kills(void **state)
{
	int status;

	(void)state;
	status = confined(call_mount);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

static int
run_sh(void)
{
	char *const argv[] = { "sh", "-c", "exit 0", NULL };
	char *const envp[] = { NULL };

	execve("/bin/sh", argv, envp);
	return errno == EPERM ? 0 : 3;
}

static void
execve_is_refused(void **state)
{
	(void)state;
	passes(run_sh);
}

static int
write_context(void)
{
	char tmp[400], name[400], buf[16];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.p1.json.tmp", ctx_dir);
	snprintf(name, sizeof(name), "%s/p1.json", ctx_dir);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0660)) == -1)
		return 1;
	if (write(fd, "{}", 2) != 2 || fsync(fd) == -1 || close(fd) == -1)
		return 2;
	if (rename(tmp, name) == -1)
		return 3;
	if ((fd = open(name, O_RDONLY)) == -1)
		return 4;
	if (read(fd, buf, sizeof(buf)) != 2 || memcmp(buf, "{}", 2) != 0)
		return 5;
	close(fd);
	return unlink(name) == -1 ? 6 : 0;
}

static void
context_is_written_and_renamed(void **state)
{
	(void)state;
	passes(write_context);
}

static int
append_log(void)
{
	int fd;

	/* A new file, as after logrotate's create: the rule is the
	 * directory's, not the file's that was there when it was made. */
	if ((fd = open(log_file, O_WRONLY | O_APPEND | O_CREAT, 0640)) == -1)
		return 1;
	if (write(fd, "line\n", 5) != 5)
		return 2;
	close(fd);
	if ((fd = open(log_file, O_WRONLY | O_APPEND)) == -1 ||
	    write(fd, "more\n", 5) != 5)
		return 3;
	close(fd);
	/* Written, never read back. */
	if (landlock_abi() > 0 && refused(log_file, O_RDONLY, EACCES) != 0)
		return 4;
	return 0;
}

static void
log_is_appended(void **state)
{
	(void)state;
	passes(append_log);
}

static int
loopback(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int l, c, a;
	char b = 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&sin, &len) == -1)
		return 1;
	if ((c = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(c, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return 2;
	if ((a = accept(l, NULL, NULL)) == -1 || write(c, "x", 1) != 1 ||
	    read(a, &b, 1) != 1 || b != 'x')
		return 3;
	return 0;
}

static void
loopback_tcp_works(void **state)
{
	(void)state;
	passes(loopback);
}

static int
unix_connect(void)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, unix_sock, strlen(unix_sock));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return 1;
	return connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ? 2 : 0;
}

static void
unix_socket_connects(void **state)
{
	(void)state;
	passes(unix_connect);
}

static int
resolve(void)
{
	struct addrinfo hints, *res;
	char text[INET_ADDRSTRLEN];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo("localhost", "443", &hints, &res) != 0)
		return 1;
	inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr,
	    text, sizeof(text));
	rc = strcmp(text, "127.0.0.1") == 0 ? 0 : 2;
	freeaddrinfo(res);
	return rc;
}

static void
localhost_resolves_from_etc_hosts(void **state)
{
	(void)state;
	passes(resolve);
}

static int
load_library(void)
{
	/* As libpq is loaded on the first request (pq.c); zlib is one of
	 * libcurl's own, so it is on every machine that builds this. */
	return dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL) != NULL ? 0 : 1;
}

static void
library_loads_after_confinement(void **state)
{
	(void)state;
	passes(load_library);
}

static int
read_token(void)
{
	char buf[16];
	int fd;

	/* SIGHUP reads it again; the file beside it stays refused. */
	if ((fd = open(token, O_RDONLY)) == -1)
		return 1;
	if (read(fd, buf, sizeof(buf)) != 7 || memcmp(buf, "TEST-1\n", 7) != 0)
		return 2;
	close(fd);
	return landlock_abi() > 0 && refused(beside, O_RDONLY, EACCES) != 0 ?
	    3 : 0;
}

static void
secret_file_is_read_again(void **state)
{
	(void)state;
	passes(read_token);
}

static int
say_what(void)
{
	char want[64];
	int abi = landlock_abi();

	if (abi > 0)
		snprintf(want, sizeof(want), ", landlock ABI %d", abi);
	else
		snprintf(want, sizeof(want), "; landlock not available on "
		    "this kernel");
	return strncmp(what, "seccomp", 7) == 0 && strstr(what, want) !=
	    NULL ? 0 : 1;
}

static void
start_up_line_says_what_was_applied(void **state)
{
	(void)state;
	passes(say_what);
}

/* store = postgresql: the passfile database_url names is readable. */
static int
read_passfile(void)
{
	struct confine_policy pol;
	struct bg_config cfg;
	struct bg_error e;
	char url[400];
	int fd;

	snprintf(url, sizeof(url), "host=/run/postgresql dbname=shop "
	    "passfile='%s'", token);
	config_init(&cfg);
	cfg.store = "postgresql";
	cfg.database_url = url;
	confine_policy(&pol, &cfg);
	if (confine_apply(&pol, what, sizeof(what), &e) == -1)
		return FAILED_APPLY;
	if ((fd = open(token, O_RDONLY)) == -1)
		return 1;
	close(fd);
	/* No context_dir with the database store. */
	if (landlock_abi() > 0 && refused(ctx_dir, O_RDONLY | O_DIRECTORY,
	    EACCES) != 0)
		return 2;
	return 0;
}

static void
passfile_of_database_url_is_readable(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	fflush(NULL);
	if ((pid = fork()) == 0)
		_exit(read_passfile());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * A service manager's filter that refuses the Landlock calls with EPERM
 * (systemd's SystemCallFilter= without them): brickgate still applies
 * its seccomp filter and says that Landlock was refused.
 */
static int
under_manager_filter(void)
{
	static const char *const ll[] = { "landlock_create_ruleset",
	    "landlock_add_rule", "landlock_restrict_self" };
	struct confine_policy pol;
	struct bg_config cfg;
	struct bg_error e;
	scmp_filter_ctx f;
	size_t i;

	if ((f = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return 1;
	for (i = 0; i < sizeof(ll) / sizeof(ll[0]); i++)
		if (seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM),
		    seccomp_syscall_resolve_name(ll[i]), 0) != 0)
			return 2;
	if (seccomp_load(f) != 0)
		return 3;
	seccomp_release(f);
	config_init(&cfg);
	cfg.store = "file";
	cfg.context_dir = ctx_dir;
	confine_policy(&pol, &cfg);
	if (confine_apply(&pol, what, sizeof(what), &e) == -1)
		return 4;
	if (strcmp(what, SANITIZER_BUILD ? "seccomp (ptrace allowed: "
	    "sanitizer build); landlock refused by a system call filter "
	    "(EPERM)" : "seccomp; landlock refused by a system call filter "
	    "(EPERM)") != 0)
		return 5;
	call_mount();
	return 6;
}

static void
landlock_refused_by_a_filter_is_said(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	fflush(NULL);
	if ((pid = fork()) == 0)
		_exit(under_manager_filter());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* Its own filter held: the mount at the end killed it. */
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shadow_is_refused),
		cmocka_unit_test(file_beside_context_dir_is_refused),
		cmocka_unit_test(writing_outside_is_refused),
		cmocka_unit_test(ptrace_kills),
		cmocka_unit_test(mount_kills),
		cmocka_unit_test(execve_is_refused),
		cmocka_unit_test(context_is_written_and_renamed),
		cmocka_unit_test(log_is_appended),
		cmocka_unit_test(loopback_tcp_works),
		cmocka_unit_test(unix_socket_connects),
		cmocka_unit_test(localhost_resolves_from_etc_hosts),
		cmocka_unit_test(library_loads_after_confinement),
		cmocka_unit_test(secret_file_is_read_again),
		cmocka_unit_test(start_up_line_says_what_was_applied),
		cmocka_unit_test(passfile_of_database_url_is_readable),
		cmocka_unit_test(landlock_refused_by_a_filter_is_said),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
