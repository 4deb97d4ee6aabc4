/*
 * What a hostile environment would make the helper load (LD_PRELOAD, a
 * library found through LD_LIBRARY_PATH, a gconv module of GCONV_PATH): its
 * constructor appends a line to the file named by $BA_EVIL_MARK, so a test
 * proves it never ran inside the helper.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void evil(void)
{
	const char *mark = getenv("BA_EVIL_MARK");
	int fd;

	if (mark == NULL)
		return;
	fd = open(mark, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd >= 0) {
		(void)!write(fd, "ran\n", 4);
		close(fd);
	}
}

/* gconv's entry points, so that a gconv module loader would accept it. */
int gconv_init(void *step);
int gconv_init(void *step)
{
	(void)step;
	return 0;
}
