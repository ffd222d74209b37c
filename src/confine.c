/*
 * confine.c - the user, no_new_privs, Landlock and seccomp
 * (brickgate(8), CONFINEMENT; doc/design.md, Confinement).
 *
 * The seccomp filter is a deny list with a default of allow: it kills the
 * process on system calls brickgate never makes and that an attacker in
 * its address space would want (debugging other processes, mounting,
 * loading kernel code, keys, namespaces), and refuses execve.  An allow
 * list would also have to follow every call glibc, libcurl, OpenSSL,
 * libpq and the sanitizer runtimes make, in every version a distribution
 * ships; one missed call there kills a payment half-way.
 *
 * Landlock confines the file system: what is not in the rules below
 * cannot be opened, created or executed.  Rules are bound to the files
 * and directories they name when they are added, not to path names: a
 * log file renamed by logrotate is replaced by a new file, so the rule
 * for the log names its directory.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/landlock.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND()	RUNNING_ON_VALGRIND
#else
#define UNDER_VALGRIND()	0
#endif

#include "confine.h"
#include "sanitizer.h"
#include "conninfo.h"

/* Rights of later Landlock ABIs that an older <linux/landlock.h> lacks. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)
#endif

#define FS_READ		(LANDLOCK_ACCESS_FS_READ_FILE | \
	LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_WRITE	(LANDLOCK_ACCESS_FS_WRITE_FILE | \
	LANDLOCK_ACCESS_FS_TRUNCATE)
/* The file store: temporary files renamed over purchases, lock files. */
#define FS_STORE	(FS_READ | FS_WRITE | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
	LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_REFER)
#define FS_LOG		(FS_WRITE | LANDLOCK_ACCESS_FS_MAKE_REG)
#define FS_DEVICE	(FS_READ | FS_WRITE | LANDLOCK_ACCESS_FS_IOCTL_DEV)
/* The rights a rule on a file (not a directory) may carry. */
#define FS_FILE		(LANDLOCK_ACCESS_FS_EXECUTE | \
	LANDLOCK_ACCESS_FS_READ_FILE | FS_WRITE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* The rights each Landlock ABI added; a kernel handles those up to its. */
static const struct {
	int		 abi;
	uint64_t	 rights;
} abi_rights[] = {
	{ 1, LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
	    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
	    LANDLOCK_ACCESS_FS_MAKE_SYM },
	{ 2, LANDLOCK_ACCESS_FS_REFER },
	{ 3, LANDLOCK_ACCESS_FS_TRUNCATE },
	/* ABI 4 adds TCP rights: the network is not restricted. */
	{ 5, LANDLOCK_ACCESS_FS_IOCTL_DEV },
};

/*
 * What every brickgate reads whatever its configuration: name resolution
 * (getaddrinfo), TLS (OpenSSL's configuration and Debian's CA store,
 * whose /etc/ssl/certs links point into /usr/share/ca-certificates), the
 * dynamic loader (libpq and glibc's NSS modules are loaded at run time),
 * glibc's view of its own process and CPUs, and the devices it opens.
 * A path that does not exist here is skipped.
 */
static const struct {
	const char	*path;
	uint64_t	 rights;
} fixed_rules[] = {
	{ "/etc/hosts",			FS_READ },
	{ "/etc/resolv.conf",		FS_READ },
	{ "/etc/nsswitch.conf",		FS_READ },
	{ "/etc/host.conf",		FS_READ },
	{ "/etc/gai.conf",		FS_READ },
	{ "/etc/services",		FS_READ },
	{ "/etc/localtime",		FS_READ },
	{ "/etc/ld.so.cache",		FS_READ },
	{ "/etc/ssl",			FS_READ },
	{ "/usr/share/ca-certificates",	FS_READ },
	{ "/usr/share/zoneinfo",	FS_READ },
	{ "/lib",			FS_READ },
	{ "/lib64",			FS_READ },
	{ "/usr/lib",			FS_READ },
	{ "/usr/lib64",			FS_READ },
	{ "/usr/local/lib",		FS_READ },
	{ "/proc/self",			FS_READ },
	{ "/sys/devices/system/cpu",	FS_READ },
	{ "/dev/null",			FS_DEVICE },
	{ "/dev/urandom",		FS_READ },
	{ "/dev/random",		FS_READ },
};

/*
 * libpq's own files for store = postgresql, where they are by default:
 * the user's name and home (getpwuid), ~/.pgpass and ~/.postgresql (the
 * client certificates and root.crt), pg_service.conf.  PGPASSFILE and
 * the PGSSL* variables and database_url's parameters name others, which
 * ll_postgresql() adds.
 */
static const char *const pg_fixed[] = {
	"/etc/passwd", "/etc/group", "/etc/postgresql-common",
};
static const char *const pg_home[] = { ".pgpass", ".postgresql" };
/* database_url's parameters that name a file libpq reads. */
static const char *const pg_params[] = {
	"passfile", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslcrldir",
};
static const char *const pg_env[] = {
	"PGPASSFILE", "PGSERVICEFILE", "PGSSLROOTCERT", "PGSSLCERT",
	"PGSSLKEY", "PGSSLCRL",
};

enum sc_action { SC_KILL, SC_REFUSE };

#define SC_SANITIZER	0x1	/* allowed in AddressSanitizer builds */

/*
 * The system calls brickgate never makes.  Killed: the process cannot
 * have got there but by a bug.  Refused (EPERM): execve and execveat,
 * which a sanitizer runtime tries for its symbolizer while it reports,
 * and which the program of on_paid will need; Landlock's execute right
 * is what names that program, as seccomp cannot see a path.
 * LeakSanitizer stops the threads with ptrace at exit, so an
 * AddressSanitizer build lets ptrace through (brickgate(8)).
 */
static const struct {
	const char	*name;
	enum sc_action	 action;
	unsigned	 flags;
} syscalls[] = {
	{ "ptrace",		SC_KILL, SC_SANITIZER },
	{ "process_vm_readv",	SC_KILL, 0 },
	{ "process_vm_writev",	SC_KILL, 0 },
	{ "pidfd_getfd",	SC_KILL, 0 },
	{ "kcmp",		SC_KILL, 0 },
	{ "mount",		SC_KILL, 0 },
	{ "umount2",		SC_KILL, 0 },
	{ "pivot_root",		SC_KILL, 0 },
	{ "chroot",		SC_KILL, 0 },
	{ "move_mount",		SC_KILL, 0 },
	{ "open_tree",		SC_KILL, 0 },
	{ "fsopen",		SC_KILL, 0 },
	{ "fsconfig",		SC_KILL, 0 },
	{ "fsmount",		SC_KILL, 0 },
	{ "fspick",		SC_KILL, 0 },
	{ "mount_setattr",	SC_KILL, 0 },
	{ "name_to_handle_at",	SC_KILL, 0 },
	{ "open_by_handle_at",	SC_KILL, 0 },
	{ "kexec_load",		SC_KILL, 0 },
	{ "kexec_file_load",	SC_KILL, 0 },
	{ "init_module",	SC_KILL, 0 },
	{ "finit_module",	SC_KILL, 0 },
	{ "delete_module",	SC_KILL, 0 },
	{ "bpf",		SC_KILL, 0 },
	{ "perf_event_open",	SC_KILL, 0 },
	{ "userfaultfd",	SC_KILL, 0 },
	{ "keyctl",		SC_KILL, 0 },
	{ "add_key",		SC_KILL, 0 },
	{ "request_key",	SC_KILL, 0 },
	{ "unshare",		SC_KILL, 0 },
	{ "setns",		SC_KILL, 0 },
	{ "personality",	SC_KILL, 0 },
	{ "reboot",		SC_KILL, 0 },
	{ "swapon",		SC_KILL, 0 },
	{ "swapoff",		SC_KILL, 0 },
	{ "acct",		SC_KILL, 0 },
	{ "quotactl",		SC_KILL, 0 },
	{ "syslog",		SC_KILL, 0 },
	{ "iopl",		SC_KILL, 0 },
	{ "ioperm",		SC_KILL, 0 },
	{ "settimeofday",	SC_KILL, 0 },
	{ "clock_settime",	SC_KILL, 0 },
	{ "clock_adjtime",	SC_KILL, 0 },
	{ "adjtimex",		SC_KILL, 0 },
	{ "sethostname",	SC_KILL, 0 },
	{ "setdomainname",	SC_KILL, 0 },
	{ "vhangup",		SC_KILL, 0 },
	{ "uselib",		SC_KILL, 0 },
	{ "io_uring_setup",	SC_KILL, 0 },
	{ "io_uring_enter",	SC_KILL, 0 },
	{ "io_uring_register",	SC_KILL, 0 },
	{ "execve",		SC_REFUSE, 0 },
	{ "execveat",		SC_REFUSE, 0 },
};


void
confine_policy(struct confine_policy *pol, const struct bg_config *c)
{
	int pg = c->store != NULL && strcmp(c->store, "postgresql") == 0;

	memset(pol, 0, sizeof(*pol));
	pol->context_dir = pg ? NULL : c->context_dir;
	pol->log_file = c->log_file;
	pol->ca_file = c->ca_file;
	pol->secrets[0] = c->access_token_file;
	pol->secrets[1] = c->webhook_secret_file;
	pol->postgresql = pg;
	pol->database_url = pg ? c->database_url : NULL;
	/* No key names a program to run yet: execve stays refused. */
	pol->exec = NULL;
}

int
confine_user(const char *user, struct bg_error *e)
{
	struct passwd pw, *found = NULL;
	char buf[4096];
	int rc;

	rc = getpwnam_r(user, &pw, buf, sizeof(buf), &found);
	if (found == NULL)
		return bg_fail(e, 500, "internal_error", NULL, "user %s: %s",
		    user, rc != 0 ? strerror(rc) : "no such user");
	if (geteuid() == pw.pw_uid && getuid() == pw.pw_uid)
		return 0;
	if (geteuid() != 0)
		return bg_fail(e, 500, "internal_error", NULL, "user %s: "
		    "switching needs root (running as uid %d)", user,
		    (int)geteuid());
	/* Groups first: once the user is not root, they cannot change. */
	if (initgroups(pw.pw_name, pw.pw_gid) == -1 ||
	    setresgid(pw.pw_gid, pw.pw_gid, pw.pw_gid) == -1 ||
	    setresuid(pw.pw_uid, pw.pw_uid, pw.pw_uid) == -1)
		return bg_fail(e, 500, "internal_error", NULL, "user %s: %s",
		    user, strerror(errno));
	if (getuid() != pw.pw_uid || geteuid() != pw.pw_uid ||
	    getgid() != pw.pw_gid || getegid() != pw.pw_gid ||
	    (pw.pw_uid != 0 && setuid(0) != -1))
		return bg_fail(e, 500, "internal_error", NULL, "user %s: the "
		    "switch did not hold", user);
	return 0;
}

/* Allows rights beneath path; a path that is not there is skipped. */
static int
ll_allow(int ruleset, const char *path, uint64_t rights, uint64_t handled,
    struct bg_error *e)
{
	struct landlock_path_beneath_attr pb;
	struct stat st;
	int fd, rc;

	if (path == NULL || *path == '\0')
		return 0;
	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return errno == ENOENT || errno == ENOTDIR ||
		    errno == EACCES ? 0 : bg_fail(e, 500, "internal_error",
		    NULL, "landlock: %s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1) {
		rc = errno;
		close(fd);
		return bg_fail(e, 500, "internal_error", NULL,
		    "landlock: %s: %s", path, strerror(rc));
	}
	if (!S_ISDIR(st.st_mode))
		rights &= FS_FILE;
	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = rights & handled;
	pb.parent_fd = fd;
	rc = pb.allowed_access == 0 ? 0 : (int)syscall(SYS_landlock_add_rule,
	    ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	if (rc == -1)
		rc = errno;
	close(fd);
	if (rc != 0)
		return bg_fail(e, 500, "internal_error", NULL,
		    "landlock: %s: %s", path, strerror(rc));
	return 0;
}

/* The directory a file is in ("." for a bare name). */
static const char *
dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return ".";
	if (slash == path)
		return "/";
	snprintf(buf, size, "%.*s", (int)(slash - path), path);
	return buf;
}

static int
ll_postgresql(int ruleset, const char *url, uint64_t handled,
    struct bg_error *e)
{
	char path[PATH_MAX];
	const char *home = getenv("HOME");
	struct passwd pw, *found = NULL;
	char buf[4096];
	size_t i;

	for (i = 0; i < sizeof(pg_fixed) / sizeof(pg_fixed[0]); i++)
		if (ll_allow(ruleset, pg_fixed[i], FS_READ, handled, e) == -1)
			return -1;
	for (i = 0; i < sizeof(pg_env) / sizeof(pg_env[0]); i++)
		if (ll_allow(ruleset, getenv(pg_env[i]), FS_READ, handled,
		    e) == -1)
			return -1;
	for (i = 0; url != NULL && i < sizeof(pg_params) / sizeof(pg_params[0]);
	    i++)
		if (conninfo_value(url, pg_params[i], path, sizeof(path)) &&
		    ll_allow(ruleset, path, FS_READ, handled, e) == -1)
			return -1;
	/* libpq looks for ~/.pgpass in the home of the password database. */
	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &found) == 0 &&
	    found != NULL)
		home = pw.pw_dir;
	if (home == NULL)
		return 0;
	for (i = 0; i < sizeof(pg_home) / sizeof(pg_home[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", home, pg_home[i]);
		if (ll_allow(ruleset, path, FS_READ, handled, e) == -1)
			return -1;
	}
	return 0;
}

static int
ll_rules(int ruleset, const struct confine_policy *pol, uint64_t handled,
    struct bg_error *e)
{
	char dir[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(fixed_rules) / sizeof(fixed_rules[0]); i++)
		if (ll_allow(ruleset, fixed_rules[i].path,
		    fixed_rules[i].rights, handled, e) == -1)
			return -1;
	/* SIGHUP re-reads the secrets: these files, not their directories
	 * (beneath which anything would be readable).  A secret replaced by
	 * a rename is a new file, which SIGHUP then cannot read: it keeps
	 * the secret it has and says so (brickgate(8), CONFINEMENT). */
	for (i = 0; i < CONFINE_SECRETS; i++)
		if (ll_allow(ruleset, pol->secrets[i], FS_READ, handled,
		    e) == -1)
			return -1;
	if (ll_allow(ruleset, pol->context_dir, FS_STORE, handled, e) == -1 ||
	    ll_allow(ruleset, pol->ca_file, FS_READ, handled, e) == -1 ||
	    ll_allow(ruleset, pol->exec, LANDLOCK_ACCESS_FS_EXECUTE |
	    LANDLOCK_ACCESS_FS_READ_FILE, handled, e) == -1)
		return -1;
	if (pol->log_file != NULL && ll_allow(ruleset, dir_of(pol->log_file,
	    dir, sizeof(dir)), FS_LOG, handled, e) == -1)
		return -1;
	if (pol->postgresql && ll_postgresql(ruleset, pol->database_url,
	    handled, e) == -1)
		return -1;
	return 0;
}

/*
 * Applies the Landlock policy.  *abi is 0 when it cannot be, which is not
 * an error, and *absent then says why: a kernel without it (not built
 * in, or turned off at boot), or a system call filter of the service
 * manager's that refuses it (systemd's SystemCallFilter= without the
 * landlock calls: examples/systemd/brickgate.service allows them).
 */
static int
ll_apply(const struct confine_policy *pol, int *abi, const char **absent,
    struct bg_error *e)
{
	struct landlock_ruleset_attr attr;
	uint64_t handled = 0;
	size_t i;
	int ruleset, rc;

	*abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (*abi < 0) {
		*abi = 0;
		if (errno == ENOSYS || errno == EOPNOTSUPP) {
			*absent = UNDER_VALGRIND() ? "not available under "
			    "valgrind" : "not available on this kernel";
			return 0;
		}
		if (errno == EPERM) {
			*absent = "refused by a system call filter (EPERM)";
			return 0;
		}
		return bg_fail(e, 500, "internal_error", NULL,
		    "landlock: %s", strerror(errno));
	}
	for (i = 0; i < sizeof(abi_rights) / sizeof(abi_rights[0]); i++)
		if (abi_rights[i].abi <= *abi)
			handled |= abi_rights[i].rights;
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = handled;
	if ((ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr,
	    sizeof(attr), 0)) == -1)
		return bg_fail(e, 500, "internal_error", NULL,
		    "landlock: %s", strerror(errno));
	if ((rc = ll_rules(ruleset, pol, handled, e)) == 0 &&
	    syscall(SYS_landlock_restrict_self, ruleset, 0) == -1)
		rc = bg_fail(e, 500, "internal_error", NULL,
		    "landlock: %s", strerror(errno));
	close(ruleset);
	return rc;
}

static int
sc_apply(const struct confine_policy *pol, struct bg_error *e)
{
	scmp_filter_ctx f;
	uint32_t action;
	size_t i;
	int nr, rc = 0;

	if ((f = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return bg_fail(e, 500, "internal_error", NULL,
		    "seccomp: cannot make a filter");
	for (i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]) && rc == 0;
	    i++) {
		if (SANITIZER_BUILD && (syscalls[i].flags & SC_SANITIZER))
			continue;
		if (syscalls[i].action == SC_REFUSE && pol->exec != NULL)
			continue;
		/* A call this architecture does not have is no risk. */
		if ((nr = seccomp_syscall_resolve_name(syscalls[i].name)) < 0)
			continue;
		action = syscalls[i].action == SC_KILL ?
		    SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(EPERM);
		rc = seccomp_rule_add(f, action, nr, 0);
	}
	if (rc == 0)
		rc = seccomp_load(f);
	seccomp_release(f);
	if (rc != 0)
		return bg_fail(e, 500, "internal_error", NULL,
		    "seccomp: %s", strerror(-rc));
	return 0;
}

int
confine_syscalls(char *what, size_t whatsz, struct bg_error *e)
{
	struct confine_policy pol;

	memset(&pol, 0, sizeof(pol));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return bg_fail(e, 500, "internal_error", NULL,
		    "no_new_privs: %s", strerror(errno));
	if (UNDER_VALGRIND()) {
		snprintf(what, whatsz, "no_new_privs only (no seccomp under "
		    "valgrind)");
		return 0;
	}
	if (sc_apply(&pol, e) == -1)
		return -1;
	snprintf(what, whatsz, "%s", SANITIZER_BUILD ?
	    "seccomp (ptrace allowed: sanitizer build)" : "seccomp");
	return 0;
}

int
confine_apply(const struct confine_policy *pol, char *what, size_t whatsz,
    struct bg_error *e)
{
	const char *sc = SANITIZER_BUILD ?
	    "seccomp (ptrace allowed: sanitizer build)" : "seccomp";
	const char *absent = "";
	int abi;

	/* Landlock needs it unprivileged; seccomp's filter too. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return bg_fail(e, 500, "internal_error", NULL,
		    "no_new_privs: %s", strerror(errno));
	/* The filter comes last, so that nothing added to it later can
	 * stop the file-system policy from being applied. */
	if (ll_apply(pol, &abi, &absent, e) == -1)
		return -1;
	/* valgrind runs the program's system calls itself and has no
	 * seccomp(2) (README.md, Security): what it cannot apply is said. */
	if (UNDER_VALGRIND())
		sc = "no_new_privs only (no seccomp under valgrind)";
	else if (sc_apply(pol, e) == -1)
		return -1;
	if (abi > 0)
		snprintf(what, whatsz, "%s, landlock ABI %d", sc, abi);
	else
		snprintf(what, whatsz, "%s; landlock %s", sc, absent);
	return 0;
}
