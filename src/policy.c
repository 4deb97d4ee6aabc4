#include "config.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "sections.h"

#define POLICY_MAX_BYTES (1 << 20)
#define POLICY_MAX_ENTRIES 64
#define POLICY_MAX_ARGS 64
#define MODULE_NAME_MAX 64

static const char *const control_names[] = {
	[CONTROL_REQUIRED] = "required",
	[CONTROL_REQUISITE] = "requisite",
	[CONTROL_SUFFICIENT] = "sufficient",
	[CONTROL_OPTIONAL] = "optional",
};

const char *control_name(enum control c)
{
	return (unsigned)c < 4 ? control_names[c] : "?";
}

/* Where problems go: NULL in the helper (stop at the first), a sink in `check`. */
struct report {
	void (*problem)(void *ctx, const char *text);
	void *ctx;
	unsigned count;
};

/* One problem in ERR: -1 to stop (no report), 0 to go on after reporting it. */
static int problem(struct report *r, const char *err)
{
	if (r == NULL)
		return -1;
	r->problem(r->ctx, err);
	r->count++;
	return 0;
}

/* Owned by OWNER (or ALT), writable by nobody else: the rule doas and sudo apply. */
static int trusted(const struct stat *st, uid_t owner, uid_t alt, const char *what,
		   const char *path, char *err, size_t errlen)
{
	if (st->st_uid != owner && st->st_uid != alt) {
		if (alt != owner)
			snprintf(err, errlen, "%s: %s is owned by uid %u, not %u or %u", path, what,
				 (unsigned)st->st_uid, (unsigned)owner, (unsigned)alt);
		else
			snprintf(err, errlen, "%s: %s is owned by uid %u, not %u", path, what,
				 (unsigned)st->st_uid, (unsigned)owner);
		return -1;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "%s: %s is writable by group or others (mode %04o)", path,
			 what, (unsigned)(st->st_mode & 07777));
		return -1;
	}
	return 0;
}

/*
 * Open DIR/NAME without following a final symlink, and check dir and file as
 * opened: each owned by OWNER or ALT.  With R (`check` on the configuration,
 * never a module), an untrusted dir or file is reported and read anyway, so
 * that a draft's other problems are reported too; nothing read then decides.
 */
static int open_trusted(const char *dir, const char *name, uid_t owner, uid_t alt,
			const char *display, struct report *r, char *err, size_t errlen)
{
	struct stat st;
	int dfd, fd;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (fstat(dfd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		close(dfd);
		return -1;
	}
	if (trusted(&st, owner, alt, "directory", dir, err, errlen) < 0 && problem(r, err) < 0) {
		close(dfd);
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(dfd);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", display,
			 errno == ELOOP ? "is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", display, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", display);
		close(fd);
		return -1;
	}
	if (trusted(&st, owner, alt, "file", display, err, errlen) < 0 && problem(r, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read the whole trusted file: bounded, no NUL bytes, no @include. */
static char *read_policy(int fd, const char *path, char *err, size_t errlen)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap);
	int line = 1;

	if (buf == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (len + 1 >= cap) {
			char *bigger;

			if (cap >= POLICY_MAX_BYTES) {
				snprintf(err, errlen, "%s: too large (at most %d bytes)", path,
					 POLICY_MAX_BYTES - 2);
				goto fail;
			}
			bigger = realloc(buf, cap * 2);
			if (bigger == NULL) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			buf = bigger;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	/* libconfig 1.5 wants a final newline after a trailing comment. */
	if (len > 0 && buf[len - 1] != '\n')
		buf[len++] = '\n';
	buf[len] = '\0';
	if (strlen(buf) != len) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		goto fail;
	}
	/* libconfig's @include would open a file we never checked: forbidden. */
	for (const char *p = buf; *p; line++) {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, "@include", 8) == 0) {
			snprintf(err, errlen, "%s:%d: @include is not allowed in this file", path, line);
			goto fail;
		}
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return buf;
fail:
	free(buf);
	return NULL;
}

static int module_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > MODULE_NAME_MAX)
		return 0;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && *name != '_' && *name != '-')
			return 0;
	return 1;
}

/* dlopen exactly the inode we checked, through its descriptor. */
static int load_module(const struct policy_source *src, struct stack_entry *e, const char *where,
		       char *err, size_t errlen)
{
	char file[MODULE_NAME_MAX + 4], display[4096], procpath[64];
	const struct bridge_auth_module *mod;
	uint32_t v;
	int fd;

	snprintf(file, sizeof(file), "%s.so", e->module);
	snprintf(display, sizeof(display), "%s/%s", src->moduledir, file);
	fd = open_trusted(src->moduledir, file, src->owner, src->owner, display, NULL, err, errlen);
	if (fd < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: module %s: %s", where, e->module, why);
		return -1;
	}
	/*
	 * Load the very inode just checked.  glibc reuses any loaded object of
	 * the same name, so the fd stays open, its /proc name unique, for as
	 * long as the object is loaded (policy_free).
	 */
	e->fd = fd;
	snprintf(procpath, sizeof(procpath), "/proc/self/fd/%d", fd);
	e->dl = dlopen(procpath, RTLD_NOW | RTLD_LOCAL);
	if (e->dl == NULL) {
		const char *why = dlerror();

		snprintf(err, errlen, "%s: module %s: cannot load %s: %s", where, e->module, display,
			 why ? why : "unknown error");
		return -1;
	}
	mod = dlsym(e->dl, BRIDGE_AUTH_MODULE_SYMBOL);
	if (mod == NULL) {
		snprintf(err, errlen, "%s: module %s: %s does not export %s", where, e->module,
			 display, BRIDGE_AUTH_MODULE_SYMBOL);
		return -1;
	}
	v = mod->abi_version;
	if (BRIDGE_AUTH_ABI_MAJOR_OF(v) != BRIDGE_AUTH_ABI_MAJOR) {
		snprintf(err, errlen, "%s: module %s: built for ABI %u.%u, this helper speaks %u.x",
			 where, e->module, BRIDGE_AUTH_ABI_MAJOR_OF(v), BRIDGE_AUTH_ABI_MINOR_OF(v),
			 BRIDGE_AUTH_ABI_MAJOR);
		return -1;
	}
	if (mod->check == NULL) {
		snprintf(err, errlen, "%s: module %s: has no check function", where, e->module);
		return -1;
	}
	e->mod = mod;
	/* An older module's struct ends before validate: never read past it. */
	if (BRIDGE_AUTH_ABI_MINOR_OF(v) >= 1)
		e->validate = mod->validate;
	if (BRIDGE_AUTH_ABI_MINOR_OF(v) >= 3)
		e->name_unused = (mod->flags & BRIDGE_AUTH_NAME_UNUSED) != 0;
	return 0;
}

static int parse_control(const char *s, enum control *c)
{
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(s, control_names[i]) == 0) {
			*c = (enum control)i;
			return 0;
		}
	return -1;
}

/* One { module = ...; control = ...; args = [...]; } entry. */
static int parse_entry(const struct policy_source *src, config_setting_t *s, struct stack_entry *e,
		       struct report *r, char *err, size_t errlen)
{
	const char *path = src->path;
	config_setting_t *args = NULL;
	const char *module = NULL, *control = NULL;
	int line = (int)config_setting_source_line(s);
	bool bad = false; /* a problem was reported, the entry is unusable */

	e->line = line;
	if (!config_setting_is_group(s)) {
		snprintf(err, errlen, "%s:%d: a stack entry must be a group { module = ...; control = ...; }",
			 path, line);
		return -1;
	}
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(m);
		int mline = (int)config_setting_source_line(m);

		if (strcmp(name, "module") == 0 && config_setting_type(m) == CONFIG_TYPE_STRING) {
			module = config_setting_get_string(m);
		} else if (strcmp(name, "control") == 0 && config_setting_type(m) == CONFIG_TYPE_STRING) {
			control = config_setting_get_string(m);
		} else if (strcmp(name, "args") == 0 &&
			   (config_setting_is_array(m) || config_setting_is_list(m))) {
			args = m;
		} else {
			if (strcmp(name, "module") == 0 || strcmp(name, "control") == 0)
				snprintf(err, errlen, "%s:%d: %s must be a string", path, mline, name);
			else if (strcmp(name, "args") == 0)
				snprintf(err, errlen,
					 "%s:%d: args must be a list of strings [ \"...\", ... ]",
					 path, mline);
			else
				snprintf(err, errlen, "%s:%d: unknown setting '%s' in a stack entry",
					 path, mline, name);
			if (problem(r, err) < 0)
				return -1;
			bad = true;
		}
	}
	if (module == NULL || control == NULL) {
		snprintf(err, errlen, "%s:%d: a stack entry needs both module and control", path, line);
		if (problem(r, err) < 0)
			return -1;
		bad = true;
	}
	if (module != NULL && !module_name_valid(module)) {
		snprintf(err, errlen, "%s:%d: '%s' is not a module name (letters, digits, _ and -)",
			 path, line, module);
		if (problem(r, err) < 0)
			return -1;
		bad = true;
	}
	if (control != NULL && parse_control(control, &e->control) < 0) {
		snprintf(err, errlen,
			 "%s:%d: unknown control '%s' (required, requisite, sufficient or optional)",
			 path, line, control);
		if (problem(r, err) < 0)
			return -1;
		bad = true;
	}
	if (bad) {
		err[0] = '\0'; /* reported already */
		return -1;
	}
	e->module = strdup(module);
	e->argc = args ? config_setting_length(args) : 0;
	if (e->argc > POLICY_MAX_ARGS) {
		snprintf(err, errlen, "%s:%d: more than %d args", path, line, POLICY_MAX_ARGS);
		return -1;
	}
	e->argv = calloc((size_t)e->argc + 1, sizeof(char *));
	if (e->module == NULL || e->argv == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < e->argc; i++) {
		config_setting_t *a = config_setting_get_elem(args, (unsigned)i);

		if (config_setting_type(a) != CONFIG_TYPE_STRING) {
			snprintf(err, errlen, "%s:%d: args must be strings", path,
				 (int)config_setting_source_line(a));
			return -1;
		}
		e->argv[i] = strdup(config_setting_get_string(a));
		if (e->argv[i] == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* The stack list STACK into *ENTRIES, *N, every module loaded. */
static int parse_stack(const struct policy_source *src, config_setting_t *stack,
		       struct stack_entry **entries, size_t *n, struct report *r, char *err,
		       size_t errlen)
{
	*n = (size_t)config_setting_length(stack);
	if (*n > POLICY_MAX_ENTRIES) {
		snprintf(err, errlen, "%s:%d: more than %d stack entries", src->path,
			 (int)config_setting_source_line(stack), POLICY_MAX_ENTRIES);
		*n = 0;
		return -1;
	}
	*entries = calloc(*n + 1, sizeof(**entries));
	if (*entries == NULL) {
		snprintf(err, errlen, "out of memory");
		*n = 0;
		return -1;
	}
	for (size_t i = 0; i < *n; i++) {
		struct stack_entry *e = &(*entries)[i];
		char where[4200];

		if (parse_entry(src, config_setting_get_elem(stack, (unsigned)i), e, r, err, errlen) < 0) {
			/* parse_entry reported its own problems; only "out of memory" is left */
			if (r == NULL || (err[0] != '\0' && problem(r, err) < 0))
				return -1;
			continue;
		}
		snprintf(where, sizeof(where), "%s:%d", src->path, e->line);
		for (size_t j = 0; j < i && e->mod == NULL; j++)
			if ((*entries)[j].module && strcmp((*entries)[j].module, e->module) == 0) {
				/* one object, one state per entry */
				e->mod = (*entries)[j].mod;
				e->validate = (*entries)[j].validate;
			}
		if (e->mod == NULL && load_module(src, e, where, err, errlen) < 0 &&
		    problem(r, err) < 0)
			return -1;
	}
	return 0;
}

static int section_problem(void *ctx, const char *text)
{
	return problem(ctx, text);
}

static int parse_policy(const struct policy_source *src, config_t *cfg, struct policy *p,
			struct report *r, char *err, size_t errlen)
{
	config_setting_t *root = config_root_setting(cfg), *stack = NULL, *bridges = NULL;

	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *s = config_setting_get_elem(root, (unsigned)i);

		if (strcmp(config_setting_name(s), "stack") == 0) {
			stack = s;
		} else if (strcmp(config_setting_name(s), "bridges") == 0) {
			bridges = s;
		} else {
			snprintf(err, errlen, "%s:%d: unknown setting '%s'", src->path,
				 (int)config_setting_source_line(s), config_setting_name(s));
			if (problem(r, err) < 0)
				return -1;
		}
	}
	if (bridges && sections_parse(src->path, bridges, p, section_problem, r, err, errlen) < 0)
		return -1;
	if (stack == NULL && bridges == NULL) {
		snprintf(err, errlen, "%s: no stack = ( ... ); setting", src->path);
		return -1;
	}
	if (stack && !config_setting_is_list(stack)) {
		snprintf(err, errlen, "%s:%d: stack must be a list ( { ... }, ... )", src->path,
			 (int)config_setting_source_line(stack));
		return -1;
	}
	p->has_stack = stack != NULL;
	if (src->bridge) {
		p->section = sections_match(p, src->bridge);
		if (p->section && p->section->has_stack)
			stack = p->section->setting;
	}
	if (stack == NULL && src->bridge) {
		snprintf(err, errlen, "%s: no section of bridges matches bridge %s, and there is no "
				      "top-level stack for it", src->path, src->bridge);
		return -1;
	}
	if (stack && parse_stack(src, stack, &p->entries, &p->n, r, err, errlen) < 0)
		return -1;
	/* check: every section's own stack too. */
	for (size_t i = 0; r && i < p->nsections; i++) {
		struct bridge_section *s = &p->sections[i];

		if (s->has_stack &&
		    parse_stack(src, s->setting, &s->entries, &s->n, r, err, errlen) < 0)
			return -1;
	}
	return 0;
}

static int load(const struct policy_source *src, const uid_t *also, struct policy *p,
		struct report *r, char *err, size_t errlen)
{
	char *dir = NULL, *base = NULL, *text = NULL;
	config_t cfg;
	int fd, rc = -1;

	*p = (struct policy){ 0 };
	err[0] = '\0';
	config_init(&cfg);
	p->path = strdup(src->path);
	dir = strdup(src->path);
	base = strdup(src->path);
	if (p->path == NULL || dir == NULL || base == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (src->path[0] != '/') {
		snprintf(err, errlen, "%s: the policy path must be absolute", src->path);
		goto done;
	}
	fd = open_trusted(dirname(dir), basename(base), src->owner, also ? *also : src->owner,
			  src->path, r, err, errlen);
	if (fd < 0)
		goto done;
	text = read_policy(fd, src->path, err, errlen);
	close(fd);
	if (text == NULL)
		goto done;
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		snprintf(err, errlen, "%s:%d: %s", src->path, config_error_line(&cfg),
			 config_error_text(&cfg));
		goto done;
	}
	rc = parse_policy(src, &cfg, p, r, err, errlen);
done:
	config_destroy(&cfg);
	free(text);
	free(dir);
	free(base);
	return rc;
}

int policy_load(const struct policy_source *src, struct policy *p, char *err, size_t errlen)
{
	if (load(src, NULL, p, NULL, err, errlen) < 0) {
		policy_free(p);
		return -1;
	}
	return 0;
}

unsigned policy_check(const struct policy_source *src, const uid_t *also, struct policy *p,
		      void (*problem_fn)(void *ctx, const char *text), void *ctx)
{
	struct report r = { problem_fn, ctx, 0 };
	char err[4096];

	/* With a sink, load() fails only on what ends the reading of the file. */
	if (load(src, also, p, &r, err, sizeof(err)) < 0)
		problem(&r, err);
	return r.count;
}

/* dlclose, and free the /proc name only if the object is really gone. */
static void unload(struct stack_entry *e)
{
	char procpath[64];
	void *still;

	dlclose(e->dl);
	snprintf(procpath, sizeof(procpath), "/proc/self/fd/%d", e->fd);
	still = dlopen(procpath, RTLD_NOW | RTLD_NOLOAD);
	if (still != NULL) {
		/* Not unloadable (RTLD_NODELETE, unique symbols): keep its name taken. */
		dlclose(still);
		return;
	}
	close(e->fd);
}

static void free_stack(struct stack_entry *entries, size_t n, bool unload_objects)
{
	/* Last first: an entry that shares an object closes before its loader unloads it. */
	for (size_t i = n; entries && i-- > 0;) {
		struct stack_entry *e = &entries[i];

		if (e->opened && e->mod && e->mod->close)
			e->mod->close(e->state);
		if (e->dl && unload_objects)
			unload(e);
		else if (e->fd > 0)
			close(e->fd); /* not loaded, or left mapped: the name is not needed again */
		for (int j = 0; e->argv && j < e->argc; j++)
			free(e->argv[j]);
		free(e->argv);
		free(e->module);
	}
	free(entries);
}

static void free_entries(struct policy *p, bool unload_objects)
{
	free_stack(p->entries, p->n, unload_objects);
	for (size_t i = 0; i < p->nsections; i++)
		free_stack(p->sections[i].entries, p->sections[i].n, unload_objects);
	sections_free(p);
	free(p->path);
	*p = (struct policy){ 0 };
}

void policy_free(struct policy *p)
{
	free_entries(p, true);
}

void policy_release(struct policy *p)
{
	free_entries(p, false);
}
